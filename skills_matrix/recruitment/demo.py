"""Demo data: a question bank for the default framework, one test, and a few applicants at every stage.
Deterministic (the rng given draws the questions and the answers)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from skills_matrix.models import Level, Skill

from . import services
from .models import Question, QuestionKind, TestTemplate

PHISHING_EMAIL = """From: IT Service Desk <it-support@counci1-helpdesk.com>
Subject: URGENT: your mailbox will be deleted today

Dear user,
Your mailbox has exceeded its limit and will be deleted in 2 hours.
Click here to keep your mailbox: http://counci1-helpdesk.com/verify
Enter your username and password to confirm."""

SPREADSHEET = """Cells A2 to A10 hold the cost of each order.
Cell B1 should show the total cost of all the orders."""

# (skill code, kind, prompt, scenario, options, correct, difficulty, explanation)
QUESTIONS = [
    ("eds-phishing", QuestionKind.PRACTICAL, "What should you do with this email?", PHISHING_EMAIL,
     ["Click the link and sign in quickly so the mailbox is not deleted",
      "Reply with your password so IT can fix it",
      "Do not click the link; report it as phishing using the Report button",
      "Forward it to your team so they know about the deadline"],
     [2], 1, "The sender's address is misspelt (counci1), it creates urgency and asks for a password."),
    ("eds-phishing", QuestionKind.MULTIPLE, "Which of these are warning signs of a phishing email?", "",
     ["A sender address that does not match the organisation", "Pressure to act immediately",
      "Your manager's name in the signature of an email you expected", "A request for your password"],
     [0, 1, 3], 2, "Genuine IT teams never ask for a password."),
    ("eds-phishing", QuestionKind.SINGLE, "A caller says they are from the bank and asks for a code sent to your phone. What do you do?", "",
     ["Read the code out so they can stop the fraud", "End the call and ring the bank on the number on your card",
      "Text the code to them instead"],
     [1], 1, "Codes are never needed by a genuine caller."),
    ("tools-excel", QuestionKind.PRACTICAL, "Which formula should go in cell B1?", SPREADSHEET,
     ["=SUM(A2:A10)", "=ADD(A2-A10)", "=A2+A10", "=TOTAL(A2;A10)"],
     [0], 1, "SUM adds a range; A2+A10 adds only two cells."),
    ("tools-excel", QuestionKind.PRACTICAL, "Which formula shows the average order cost?", SPREADSHEET,
     ["=AVERAGE(A2:A10)", "=SUM(A2:A10)/2", "=MEAN(A2:A10)", "=A2:A10/9"],
     [0], 2, "AVERAGE divides the total by the number of values."),
    ("tools-excel", QuestionKind.ORDERING, "Put these steps in order to sort a list of names from A to Z.", "",
     ["Select the column of names", "Open the Data tab", "Choose Sort A to Z", "Check the whole table moved together"],
     [0, 1, 2, 3], 2, ""),
    ("eds-passwords", QuestionKind.SINGLE, "Which of these is the safest password?", "",
     ["Password123", "Your date of birth", "three random words like TeapotRiverLantern7", "Your pet's name"],
     [2], 1, "Three random words are long and hard to guess but easy to remember."),
    ("eds-passwords", QuestionKind.MULTIPLE, "Which of these keep your account safe?", "",
     ["Turning on multi-factor sign-in", "Using the same password everywhere",
      "Using a password manager", "Writing your password on a note on the screen"],
     [0, 2], 2, ""),
    ("eds-share-files", QuestionKind.SINGLE,
     "You need to share a spreadsheet of residents' addresses with one colleague. What is the best way?", "",
     ["Email it as an attachment to the whole team", "Share the file with that colleague only, from its approved folder",
      "Copy it to a USB stick", "Upload it to a personal cloud account"],
     [1], 1, "Share only with who needs it, from an approved place."),
    ("eds-share-files", QuestionKind.SINGLE, "A link to a shared document says “Anyone with the link can edit”. What does that mean?", "",
     ["Only your team can open it", "Anyone who gets the link, inside or outside the council, can change it",
      "Nobody can change it", "Only you can change it"],
     [1], 2, ""),
    ("eds-data-protection", QuestionKind.SINGLE, "You emailed a resident's details to the wrong person. What do you do first?", "",
     ["Nothing, it was a mistake", "Tell your manager and report a data breach straight away",
      "Delete the email from your sent items", "Wait to see if the person replies"],
     [1], 1, "Breaches must be reported quickly: the council has 72 hours to tell the regulator."),
    ("eds-email", QuestionKind.SINGLE, "Which field hides who else received an email?", "",
     ["To", "Cc", "Bcc", "Subject"], [2], 1, ""),
    ("eds-email", QuestionKind.ORDERING, "Put these steps in order to attach a file to an email.", "",
     ["Start a new email", "Select Attach file", "Choose the file", "Select Send"], [0, 1, 2, 3], 1, ""),
    ("eds-store", QuestionKind.SINGLE, "Where should you save a work document so colleagues can find it?", "",
     ["On the desktop of your laptop", "In the team's shared folder with a clear name",
      "In your downloads folder", "On a USB stick"], [1], 1, ""),
    ("eds-search", QuestionKind.MULTIPLE, "Which help you judge whether a website can be trusted?", "",
     ["Who publishes it", "When it was last updated", "How many adverts it shows", "Whether other sources agree"],
     [0, 1, 3], 2, ""),
    ("eds-secure-devices", QuestionKind.SINGLE, "You leave your desk for a few minutes. What should you do?", "",
     ["Nothing", "Lock the screen", "Turn off the monitor", "Close your email"], [1], 1, ""),
]

# A practical task: triage an inbox by sorting each email into the right folder.
SORTING = ("eds-email", "Sort these emails from your inbox into the right folder.",
           ["“Your mailbox is full: sign in here to keep your email” from it-helpdesk@mail-365.example",
            "Minutes of Tuesday's team meeting, for your records",
            "A resident asks today when their bin will be collected"],
           ["Report as phishing", "File for reference", "Reply today"], [0, 1, 2])

TEMPLATE_AREAS = [
    ("eds-safe-legal", 4, 75, Level.WORKING),
    ("tools-productivity", 2, 50, Level.FOUNDATION),
    ("eds-communicating", 3, 60, Level.FOUNDATION),
    ("eds-foundation", 2, 50, Level.FOUNDATION),
]

APPLICANTS = [
    ("Priya Sharma", "priya.sharma@example.com", 0.9, 0, False),
    ("Tom Walker", "tom.walker@example.com", 0.6, 0, False),
    ("Grace Okafor", "grace.okafor@example.com", 0.8, 25, True),
    ("Daniel Hughes", "daniel.hughes@example.com", 0.4, 0, False),
    ("Amira Khan", "amira.khan@example.com", None, 0, False),  # invited, not started
]
VACANCY = "CSA-2026-031"


@transaction.atomic
def seed_recruitment(*, rng, staff_count, stdout):
    skills = {s.code: s for s in Skill.objects.all()}
    made = 0
    for code, kind, prompt, scenario, options, correct, difficulty, explanation in QUESTIONS:
        skill = skills.get(code)
        if skill is None or Question.objects.filter(skill=skill, current__prompt=prompt).exists():
            continue
        services.question_create(actor=None, skill=skill, kind=kind, prompt=prompt, scenario=scenario,
                                 options=options, correct=correct, difficulty=difficulty, explanation=explanation)
        made += 1
    code, prompt, items, folders, correct = SORTING
    if code in skills and not Question.objects.filter(skill=skills[code], current__prompt=prompt).exists():
        services.question_create(actor=None, skill=skills[code], kind=QuestionKind.SORTING, prompt=prompt,
                                 options=items, groups=folders, correct=correct, difficulty=1)
        made += 1
    areas = [services.AreaSpec(area=skills[c], question_count=n, pass_mark_percent=p, baseline_level=lvl)
             for c, n, p, lvl in TEMPLATE_AREAS if c in skills]
    if not areas or TestTemplate.objects.filter(name="Customer services adviser: ICT baseline").exists():
        stdout.write(f"  recruitment: {made} questions (test already there)")
        return
    template = services.template_create(actor=None, name="Customer services adviser: ICT baseline",
                                        role_name="Customer services adviser", time_limit_minutes=20, areas=areas,
                                        open_to_staff=True)
    now = timezone.now()
    for name, email, skill_rate, extra, large in APPLICANTS:
        invitation, _ = services.invitation_create(
            actor=None, template=template, name=name, email=email, vacancy_reference=VACANCY,
            base_url="http://localhost:8000/", extra_time_percent=extra, large_text=large, send_email=False,
        )
        if skill_rate is None:
            continue
        started = now - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 300))
        attempt = services.attempt_start(invitation=invitation, now=started, rng=rng)
        for aq in attempt.questions.select_related("version"):
            v = aq.version
            answer = list(v.correct) if rng.random() < skill_rate else [i for i in range(len(v.options)) if i not in v.correct][:1]
            if v.kind == QuestionKind.ORDERING and answer != list(v.correct):
                answer = list(reversed(v.correct))
            if v.kind == QuestionKind.SORTING and answer != list(v.correct):
                answer = [(g + 1) % len(v.groups) for g in v.correct]
            services.answer_save(invitation=invitation, position=aq.position, answer=answer,
                                 now=started + timedelta(minutes=aq.position))
        services.attempt_submit(invitation=invitation, now=started + timedelta(minutes=attempt.question_count + 1))
    stdout.write(f"  recruitment: {made} questions, 1 test, {len(APPLICANTS)} applicants for {VACANCY}")
