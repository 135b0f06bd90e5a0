from datetime import timedelta

import factory
from django.utils import timezone

from news.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Council update {n}")
    slug = factory.Sequence(lambda n: f"council-update-{n}")
    summary = "A short summary."
    body = "Some **body** text."
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_units.set(extracted)
