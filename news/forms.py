from django import forms

from core.ids import IdModelMultipleChoiceField
from people.models import OrgUnit

from .models import Article, Comment


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ArticleForm(forms.ModelForm):
    target_units = IdModelMultipleChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple,
        label="Who is it for?",
        help_text="Leave empty for everyone. Choosing a portfolio reaches its departments and teams.",
    )

    class Meta:
        model = Article
        fields = [
            "title", "kind", "category", "summary", "body", "image", "image_alt", "target_units",
            "publish_at", "unpublish_at", "is_pinned",
        ]
        labels = {
            "image_alt": "Image description (alt text)",
            "publish_at": "Publish from",
            "unpublish_at": "Unpublish on",
            "is_pinned": "Pin to the top of the news list",
        }
        help_texts = {"publish_at": "Leave empty to save as a draft.", "unpublish_at": "Optional."}
        widgets = {
            "publish_at": DateTimeLocalInput(),
            "unpublish_at": DateTimeLocalInput(),
            "body": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_units"].queryset = (units if units is not None else OrgUnit.objects.none()).order_by(
            "tree_id", "lft"
        )
        self.fields["target_units"].label_from_instance = lambda u: f"{'– ' * u.level}{u.name}"
        for f in ("publish_at", "unpublish_at"):
            self.fields[f].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", "Enter alt text describing the image.")
        p, u = data.get("publish_at"), data.get("unpublish_at")
        if p and u and u <= p:
            self.add_error("unpublish_at", "The unpublish date must be after the publish date.")
        return data


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Add a comment"}
        help_texts = {"body": "Comments are visible to everyone who can read this article. Be kind."}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
