from core.dashboard import HomeBlock

from .selectors import latest_for_home


def news_home_block(user):
    items = latest_for_home(user, limit=4)
    return HomeBlock(template="news/_home_block.html", data={"items": items}, order=20)
