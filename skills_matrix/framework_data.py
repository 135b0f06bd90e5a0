"""The default skills framework: the UK Essential Digital Skills framework (DfE, 2018/2019) areas, and
the council's workplace tools. Each skill is "what someone can do"; level descriptors are built from
it so every skill reads the same way at the same level.

`load_default_framework` is written against the models it is given so the data migration (historical
models, no MPTT manager) and the management command (live models) share one code path.
"""

AREAS = [
    ("eds-foundation", "Foundation skills", "Using a device and getting online safely enough to do everything else.", [
        ("eds-device-basics", "Turn on, sign in and use a device", "turn on a device, sign in with their account and use the keyboard, mouse or touch screen"),
        ("eds-settings", "Change settings for comfort and accessibility", "change display, sound and accessibility settings so a device suits them"),
        ("eds-connect", "Connect to wi-fi and networks", "connect a device to wi-fi, a mobile hotspot or the council network"),
        ("eds-passwords", "Manage passwords and sign-in", "create strong passwords, use multi-factor sign-in and reset a forgotten password"),
    ]),
    ("eds-communicating", "Communicating", "Talking and sharing with others online.", [
        ("eds-email", "Send and manage email", "send, reply to, forward and organise email, including attachments"),
        ("eds-video-calls", "Join and run video calls", "join, host and share a screen in a video call"),
        ("eds-messaging", "Use chat and messaging", "use instant messaging and team chat appropriately for work"),
        ("eds-share-files", "Share documents securely", "share a document with the right people and the right permissions"),
    ]),
    ("eds-information", "Handling information and content", "Finding, managing and storing information.", [
        ("eds-search", "Find information online", "search for information and judge whether a source can be trusted"),
        ("eds-store", "Store and organise files", "save, name, organise and find files in the right place"),
        ("eds-create-content", "Create documents and content", "create and format documents, spreadsheets and presentations"),
    ]),
    ("eds-transacting", "Transacting", "Using online services and completing forms.", [
        ("eds-online-forms", "Complete online forms", "fill in and submit online forms, including uploading documents"),
        ("eds-self-service", "Use self-service systems", "use online self-service for HR, payroll and booking services"),
        ("eds-online-payments", "Pay and buy securely online", "make and check online payments and purchases safely"),
    ]),
    ("eds-problem-solving", "Problem solving", "Using digital tools to find answers and fix everyday problems.", [
        ("eds-find-help", "Find help and solve problems", "use help pages, search and online support to solve a problem"),
        ("eds-troubleshoot", "Fix common device problems", "restart, update and fix common device and connection problems"),
        ("eds-learn-online", "Learn online", "use e-learning and online tutorials to build their skills"),
    ]),
    ("eds-safe-legal", "Being safe and legal online", "Protecting themselves, colleagues and residents' data.", [
        ("eds-phishing", "Spot scams and phishing", "recognise suspicious emails, links and calls and report them"),
        ("eds-data-protection", "Protect personal data (UK GDPR)", "handle personal data lawfully, sharing only what is needed with those entitled to it"),
        ("eds-secure-devices", "Keep devices and data secure", "lock devices, keep software updated and store data only in approved places"),
        ("eds-wellbeing-online", "Stay safe and well online", "manage screen time, online behaviour and their digital footprint"),
    ]),
    ("tools-collaboration", "Collaboration suite", "The council's shared workspaces (Teams, SharePoint, OneDrive).", [
        ("tools-teams-channels", "Work in Teams channels", "post in team channels, use tabs and @mentions, and keep discussions organised"),
        ("tools-sharepoint", "Use SharePoint sites", "find, edit and co-author documents in SharePoint team sites"),
        ("tools-onedrive", "Use OneDrive", "store, sync and share their own working files in OneDrive"),
    ]),
    ("tools-productivity", "Productivity suite", "Word, Excel, PowerPoint and Outlook.", [
        ("tools-word", "Write documents in Word", "write accessible documents in Word using styles, tables and tracked changes"),
        ("tools-excel", "Work with spreadsheets in Excel", "enter, sort, filter and summarise data in Excel with formulas"),
        ("tools-powerpoint", "Build presentations in PowerPoint", "build clear, accessible slides in PowerPoint"),
        ("tools-outlook-calendar", "Manage a calendar in Outlook", "book meetings and rooms and share a calendar in Outlook"),
    ]),
    ("tools-documents", "Document management", "Records and case files in the council's document management system.", [
        ("tools-edrms-filing", "File records correctly", "file records in the document management system with the right metadata"),
        ("tools-edrms-retention", "Apply retention and disposal", "apply retention labels and follow the disposal schedule"),
        ("tools-edrms-search", "Find records", "search for and retrieve records, including older versions"),
    ]),
    ("tools-unified-comms", "Unified communications", "Telephony, voicemail and contact centre tools.", [
        ("tools-softphone", "Use the softphone", "make, transfer and forward calls with the softphone"),
        ("tools-voicemail", "Manage voicemail and presence", "manage voicemail, presence and call forwarding"),
        ("tools-contact-centre", "Use the contact centre tools", "handle queued calls and web chats with the contact centre tools"),
    ]),
    ("tools-devices", "End-user devices", "Laptops, smartphones, tablets and printing.", [
        ("tools-laptop", "Use a council laptop", "dock, connect to displays, use VPN and keep a council laptop updated"),
        ("tools-mobile-device", "Use a council smartphone or tablet", "use a managed smartphone or tablet for email, Teams and apps"),
        ("tools-printing", "Print and scan securely", "use follow-me printing and scan to email or to a folder"),
    ]),
    ("tools-lob", "Line-of-business applications", "The systems a service runs on (case management, finance, HR).", [
        ("tools-case-management", "Use the case management system", "record and update cases and run their own work lists"),
        ("tools-finance-system", "Use the finance system", "raise requisitions, approve invoices and run budget reports"),
        ("tools-hr-system", "Use the HR and payroll system", "record absence, approve requests and view team information"),
        ("tools-gis", "Use mapping (GIS)", "find, view and print map information for their work"),
    ]),
]

LEVEL_TEMPLATES = {
    0: "Has not yet been able to {what}.",
    1: "Foundation: can {what} with help or by following step-by-step guidance.",
    2: "Working: can {what} on their own in everyday work.",
    3: "Confident: can {what} quickly, including unusual cases, and choose the best way to do it.",
    4: "Expert: can {what} in any situation, help colleagues and teach others to do it.",
}

# Required levels for the default profile (everyone): foundation skills at "working", the rest lower.
DEFAULT_REQUIREMENTS = {
    "eds-device-basics": 2, "eds-passwords": 2, "eds-email": 2, "eds-video-calls": 2, "eds-share-files": 2,
    "eds-store": 2, "eds-self-service": 2, "eds-phishing": 2, "eds-data-protection": 2,
    "eds-secure-devices": 2, "eds-find-help": 1, "eds-learn-online": 1, "tools-teams-channels": 1,
    "tools-outlook-calendar": 1, "tools-onedrive": 1,
}

# Further starter profiles: (code, name, job family, grade band, work style, {skill: level} overrides).
STARTER_PROFILES = [
    ("office-based-officer", "Office-based officer", "Business support", "SO1–SO2", "static", {
        "tools-word": 2, "tools-excel": 2, "tools-edrms-filing": 2, "tools-edrms-search": 2, "eds-create-content": 2,
    }),
    ("frontline-mobile-worker", "Frontline mobile worker", "Community services", "Scale 4–6", "mobile", {
        "tools-mobile-device": 3, "tools-case-management": 2, "eds-online-forms": 2, "eds-connect": 2,
    }),
    ("team-manager", "Team manager", "Management", "PO1–PO4", "", {
        "tools-excel": 3, "tools-hr-system": 3, "tools-finance-system": 2, "eds-video-calls": 3,
        "tools-sharepoint": 2, "eds-data-protection": 3,
    }),
    ("contact-centre-adviser", "Contact centre adviser", "Customer services", "Scale 4–5", "static", {
        "tools-softphone": 3, "tools-contact-centre": 3, "tools-case-management": 2, "eds-online-payments": 2,
    }),
]


def _mptt(obj, *, tree_id, lft, rght, level):
    obj.tree_id, obj.lft, obj.rght, obj.level = tree_id, lft, rght, level


def load_default_framework(*, Skill, SkillDescriptor, FrameworkVersion, RoleProfile, RoleRequirement) -> int:
    """Create the default framework and starter role profiles where their codes do not exist yet.

    Sets the MPTT columns by hand (each area is its own tree) so it works with historical models.
    Returns the number of skills created."""
    existing = set(Skill.objects.values_list("code", flat=True))
    next_tree = (Skill.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0) + 1
    created = 0
    for area_order, (area_code, area_name, area_desc, skills) in enumerate(AREAS):
        if area_code in existing:
            continue
        area = Skill(code=area_code, name=area_name, kind="area", description=area_desc, sort_order=area_order)
        _mptt(area, tree_id=next_tree, lft=1, rght=2 + 2 * len(skills), level=0)
        area.save()
        descriptors = []
        for i, (code, name, what) in enumerate(skills):
            skill = Skill(code=code, name=name, kind="skill", parent=area, description=f"Can {what}.", sort_order=i)
            _mptt(skill, tree_id=next_tree, lft=2 + 2 * i, rght=3 + 2 * i, level=1)
            skill.save()
            created += 1
            descriptors += [SkillDescriptor(skill=skill, level=lv, text=t.format(what=what)) for lv, t in LEVEL_TEMPLATES.items()]
        SkillDescriptor.objects.bulk_create(descriptors)
        next_tree += 1
    if not FrameworkVersion.objects.exists():
        FrameworkVersion.objects.create(number=1, note="Default framework (Essential Digital Skills and workplace tools)")
    by_code = {s.code: s for s in Skill.objects.filter(kind="skill")}
    if not RoleProfile.objects.filter(is_default=True).exists():
        default = RoleProfile.objects.create(
            code="all-staff", name="All staff", job_family="All", is_default=True,
            description="The digital skills every member of staff needs.",
        )
        RoleRequirement.objects.bulk_create(
            RoleRequirement(profile=default, skill=by_code[c], level=lv) for c, lv in DEFAULT_REQUIREMENTS.items() if c in by_code
        )
    for code, name, family, grade, style, extra in STARTER_PROFILES:
        if RoleProfile.objects.filter(code=code).exists():
            continue
        profile = RoleProfile.objects.create(code=code, name=name, job_family=family, grade=grade, work_style=style)
        wanted = {**DEFAULT_REQUIREMENTS, **extra}
        RoleRequirement.objects.bulk_create(
            RoleRequirement(profile=profile, skill=by_code[c], level=lv) for c, lv in wanted.items() if c in by_code
        )
    return created
