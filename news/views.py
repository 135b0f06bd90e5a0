from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from people.selectors import employee_for

from . import permissions, selectors, services
from .forms import ArticleForm, CommentForm
from .models import Article, Comment, Reaction


def article_list(request):
    category = request.GET.get("category", "")
    if category not in Article.Category.values:
        category = ""
    qs = selectors.articles_visible_to(request.user, category=category)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "category": category,
            "categories": Article.Category.choices,
            "params": f"category={category}" if category else "",
            "is_editor": permissions.is_news_editor(request.user),
        },
    )


def _detail_context(request, article, comment_form=None):
    can_moderate = permissions.can_moderate(request.user, article)
    return {
        "article": article,
        "comments": selectors.comments_for(article, include_hidden=can_moderate),
        "comment_form": comment_form or CommentForm(),
        "reaction_counts": selectors.reaction_counts(article),
        "my_reactions": selectors.my_reactions(request.user, article),
        "reaction_kinds": Reaction.Kind.choices,
        "can_moderate": can_moderate,
        "can_edit": can_moderate,
    }


def article_detail(request, slug):
    article = selectors.article_for_reader(request.user, slug)
    if article is None:
        raise Http404("No such article")
    services.article_record_read(employee=employee_for(request.user), article=article)
    return render(request, "news/detail.html", _detail_context(request, article))


@require_POST
def article_react(request, slug):
    article = selectors.article_for_reader(request.user, slug)
    if article is None:
        raise Http404("No such article")
    try:
        services.reaction_toggle(actor=request.user, article=article, kind=request.POST.get("kind", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("news:detail", args=[slug]) + "#reactions")


@require_POST
def comment_add(request, slug):
    article = selectors.article_for_reader(request.user, slug)
    if article is None:
        raise Http404("No such article")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, article=article, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error("body", str(exc))
        else:
            messages.success(request, "Your comment has been added.")
            return redirect(reverse("news:detail", args=[slug]) + "#comments")
    return render(request, "news/detail.html", _detail_context(request, article, form), status=400)


@require_POST
def comment_moderate(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    try:
        if request.POST.get("action") == "restore":
            services.comment_restore(actor=request.user, comment=comment)
            messages.success(request, "The comment is visible again.")
        else:
            services.comment_hide(actor=request.user, comment=comment, reason=request.POST.get("reason", ""))
            messages.success(request, "The comment has been hidden.")
    except DomainError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect(reverse("news:detail", args=[comment.article.slug]) + "#comments")


def _require_editor(request):
    if not permissions.is_news_editor(request.user):
        raise PermissionDenied("Only news editors can manage news.")


def manage(request):
    _require_editor(request)
    page = Paginator(selectors.articles_editable_by(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "news/manage.html", {"page": page})


def article_edit(request, pk=None):
    _require_editor(request)
    article = None
    if pk is not None:
        article = get_object_or_404(Article, pk=pk)
        if not permissions.can_edit_article(request.user, article):
            raise PermissionDenied("You cannot edit news for this part of the council.")
    units = permissions.editable_units(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, instance=article, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        targets = list(data.pop("target_units"))
        if data.get("image") is False:  # "clear" ticked on the file input
            data["image"] = ""
        elif data.get("image") is None:
            data.pop("image")
        try:
            saved = services.article_save(actor=request.user, article=article, targets=targets, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"“{saved.title}” saved ({saved.status.lower()}).")
            return redirect("news:manage")
    return render(request, "news/edit.html", {"form": form, "article": article}, status=400 if form.errors else 200)


@require_POST
def article_unpublish(request, pk):
    article = get_object_or_404(Article, pk=pk)
    try:
        services.article_unpublish(actor=request.user, article=article)
    except DomainError as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, f"“{article.title}” has been unpublished.")
    return redirect("news:manage")


def feeds(request):
    me = employee_for(request.user)
    if me is None:
        raise Http404("No employee record")
    if request.method == "POST":
        token = services.feed_token_reset(employee=me)
        messages.success(request, "Your private feed address has been changed. Update your feed reader.")
    else:
        token = services.feed_token_for(employee=me)
    return render(
        request,
        "news/feeds.html",
        {
            "rss_url": request.build_absolute_uri(reverse("news_api:feed_rss", args=[token.token])),
            "atom_url": request.build_absolute_uri(reverse("news_api:feed_atom", args=[token.token])),
        },
    )
