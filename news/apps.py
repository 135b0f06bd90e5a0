from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News"

    def ready(self):
        from core.dashboard import register_home_block
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav

        from . import dashboard, demo

        register_home_block(dashboard.news_home_block)
        register_nav(NavItem("News", "news:list", order=60, prefix="/news/"))
        register_demo_seeder("news", demo.seed_news, order=80)
        from core import search

        from . import search_provider

        search.register_search_provider("news", "News", search_provider.news_results, order=20)
