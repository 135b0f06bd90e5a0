"""Demo news: council announcements, service updates and best-practice stories, some targeted at a
portfolio, with a few reactions, comments and reads so reach figures have something to show."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from people import roles
from people.models import Employee, OrgUnit

from .models import Article, ArticleRead, Comment, EditorScope, Reaction

EVERYONE = [
    ("Council tax helpline moves to the new contact centre", Article.Kind.ANNOUNCEMENT, Article.Category.SERVICE_UPDATE,
     "From Monday the council tax helpline is answered by the new contact centre team.",
     "## What changes\n\nCalls to the council tax line now go to the **contact centre**. Residents can also "
     "[report a change online](https://www.gov.uk/council-tax).\n\n## What you need to do\n\nNothing, unless you "
     "give out the old direct-dial number: please use the main number instead."),
    ("Pay award 2026: what it means for you", Article.Kind.ANNOUNCEMENT, Article.Category.PEOPLE,
     "The national pay award has been agreed and will be paid in your next payslip, backdated to April.",
     "The award is **3.2%** on all spinal points. Back pay from 1 April will appear as a separate line on your "
     "payslip. Check your payslip in *Self-service* once it is published."),
    ("Digital skills week: sessions open for booking", Article.Kind.ARTICLE, Article.Category.DIGITAL_SKILLS,
     "Forty short sessions on Teams, Excel, cyber security and using the intranet, in person and online.",
     "Digital skills week runs from 12 to 16 October. Every session is under an hour.\n\n- Getting more from Teams\n"
     "- Excel for budgets\n- Spotting phishing emails\n- Booking leave and updating your details yourself\n\n"
     "Book through *Training*. Digital champions will be on hand in every main office."),
    ("How our revenues team halved paper forms in six months", Article.Kind.ARTICLE, Article.Category.BEST_PRACTICE,
     "A best-practice story: moving direct-debit changes online with help from digital champions.",
     "### The problem\n\nMost direct-debit changes still arrived on paper and took ten days to key in.\n\n"
     "### What the team did\n\n1. Two officers became digital champions.\n2. They sat with residents at the front "
     "desk and helped them use the online form.\n3. The team tracked the channel of every request.\n\n"
     "### The result\n\nPaper forms fell from 60% to 28% of requests, and processing time fell to two days."),
    ("Cyber security: report suspicious emails with one click", Article.Kind.ANNOUNCEMENT,
     Article.Category.DIGITAL_SKILLS, "Use the new 'Report phishing' button in Outlook instead of forwarding emails.",
     "If an email looks wrong, **do not click links**. Use the *Report phishing* button. The IT service desk "
     "reviews every report within one working day."),
    ("Staff wellbeing: new mental health first aiders", Article.Kind.ARTICLE, Article.Category.PEOPLE,
     "Twenty-four colleagues have qualified as mental health first aiders across the council.",
     "Find a mental health first aider in the staff directory by searching for *wellbeing*."),
]

PORTFOLIO_STORIES = [
    ("How our team uses shared calendars to cover home visits", Article.Category.BEST_PRACTICE,
     "A team moved its rota from a whiteboard to a shared calendar, so cover is arranged in minutes.",
     "The team keeps one shared calendar for visits. Anyone can see gaps and offer cover from their phone, "
     "and the duty manager no longer spends Monday mornings on the phone."),
    ("Portfolio briefing: digital workforce plan progress", Article.Category.COUNCIL_NEWS,
     "Where we are on skills analysis, training and self-service, portfolio by portfolio.",
     "Three quarters of staff have completed their skills analysis. The adoption dashboard shows your "
     "portfolio's figures; ask your manager about your training plan."),
    ("Tablets for mobile workers: what to expect", Article.Category.SERVICE_UPDATE,
     "Mobile staff will receive tablets over the next two months, with a half-day induction.",
     "Your manager will book your induction. Bring your council ID badge; the session covers email, "
     "Teams and recording visits on the go."),
]

COMMENTS = [
    "Really useful, thank you.",
    "Could this session be repeated for the evening shift?",
    "Our team tried this last month and it worked well.",
    "Is there a recording for people who can't attend?",
]


def seed_news(*, rng, staff_count: int, stdout) -> None:
    now = timezone.now()
    staff = list(Employee.objects.filter(is_active=True, user__isnull=False).values_list("pk", flat=True)[:400])
    author = Employee.objects.filter(user__is_superuser=True).select_related("user").first() or (
        Employee.objects.filter(user__isnull=False).select_related("user").first()
    )
    author_user = author.user if author else None
    articles = []
    for i, (title, kind, cat, summary, body) in enumerate(EVERYONE):
        a = Article(
            title=title, slug=f"demo-{i}-{title.lower()[:40].replace(' ', '-').replace(':', '')}", kind=kind,
            category=cat, summary=summary, body=body, publish_at=now - timedelta(days=2 + i * 5),
            is_pinned=(i == 0), author=author_user,
        )
        a.save()
        articles.append(a)
    editors_group, _ = Group.objects.get_or_create(name=roles.NEWS_EDITOR)
    for p_i, portfolio in enumerate(OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO).order_by("name")):
        if portfolio.head_id:
            head = Employee.objects.select_related("user").get(pk=portfolio.head_id)
            EditorScope.objects.get_or_create(editor=head, unit=portfolio)
            if head.user_id:
                head.user.groups.add(editors_group)
        for s_i, (title, cat, summary, body) in enumerate(PORTFOLIO_STORIES):
            a = Article(
                title=f"{portfolio.name}: {title}", slug=f"demo-p{p_i}-{s_i}", category=cat, summary=summary,
                body=body, publish_at=now - timedelta(days=1 + s_i * 9 + p_i), author=author_user,
            )
            a.save()
            a.target_units.set([portfolio])
            articles.append(a)
    reads, reactions, comments = [], [], []
    for a in articles:
        for pk in rng.sample(staff, k=min(len(staff), rng.randint(5, 60))):
            reads.append(ArticleRead(article=a, employee_id=pk, read_at=a.publish_at + timedelta(hours=rng.randint(1, 48))))
        for pk in rng.sample(staff, k=min(len(staff), rng.randint(0, 8))):
            reactions.append(Reaction(article=a, employee_id=pk, kind=rng.choice(Reaction.Kind.values)))
        for pk in rng.sample(staff, k=min(len(staff), rng.randint(0, 3))):
            comments.append(Comment(article=a, author_id=pk, body=rng.choice(COMMENTS)))
    ArticleRead.objects.bulk_create(reads, ignore_conflicts=True, batch_size=1000)
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True, batch_size=1000)
    Comment.objects.bulk_create(comments, batch_size=1000)
    stdout.write(f"news: {len(articles)} articles, {len(reads)} reads, {len(comments)} comments")
