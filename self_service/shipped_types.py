"""The request types the council starts with (seeded by migration 0002; HR changes them in the admin
afterwards). See RequestType for the field and approval-chain formats. Personal types
(home address, personal contact, emergency contacts, change of name, bank details) are seen by the
processing team only, never by the employee's managers (`visibility`)."""

LM = {"approver": "line_manager"}

SHIPPED_TYPES = [
    {
        "code": "annual-leave", "name": "Annual leave", "kind": "annual_leave", "order": 10,
        "description": "Book annual leave. Weekends and bank holidays are not counted.",
        "processing_team": "hr", "affects_payroll": False, "attachments_allowed": False,
        "approval_chain": [LM],
        "fields": [
            {"name": "start_date", "label": "First day of leave", "type": "date"},
            {"name": "start_half_day", "label": "Afternoon only on the first day", "type": "boolean"},
            {"name": "end_date", "label": "Last day of leave", "type": "date"},
            {"name": "end_half_day", "label": "Morning only on the last day", "type": "boolean"},
            {"name": "note", "label": "Note for your manager", "type": "textarea", "required": False},
        ],
    },
    {
        "code": "home-address", "visibility": "processing_team", "name": "Change of home address", "order": 20,
        "description": "Tell HR and payroll your new home address.",
        "processing_team": "hr", "affects_payroll": False, "approval_chain": [],
        "fields": [
            {"name": "address", "label": "New home address", "type": "textarea"},
            {"name": "postcode", "label": "Postcode", "type": "text"},
            {"name": "effective_date", "label": "Date you moved", "type": "date"},
        ],
    },
    {
        "code": "personal-contact", "visibility": "processing_team", "name": "Change of personal contact details", "order": 21,
        "description": "Your personal phone number or email, for when we cannot reach you at work.",
        "processing_team": "hr", "affects_payroll": False, "approval_chain": [],
        "fields": [
            {"name": "personal_phone", "label": "Personal phone", "type": "phone", "required": False},
            {"name": "personal_email", "label": "Personal email", "type": "email", "required": False},
        ],
    },
    {
        "code": "emergency-contacts", "visibility": "processing_team", "name": "Change of emergency contacts", "order": 22,
        "description": "Who we should contact in an emergency.",
        "processing_team": "hr", "affects_payroll": False, "approval_chain": [],
        "fields": [
            {"name": "contact_name", "label": "Contact's full name", "type": "text"},
            {"name": "relationship", "label": "Relationship to you", "type": "text"},
            {"name": "contact_phone", "label": "Contact's phone", "type": "phone"},
        ],
    },
    {
        "code": "name-change", "visibility": "processing_team", "name": "Change of name", "order": 23,
        "description": "Change your name on your employment and pay records. You need evidence.",
        "attachment_hint": "a marriage or civil partnership certificate, deed poll or similar",
        "processing_team": "hr", "affects_payroll": True, "attachment_required": True, "approval_chain": [],
        "fields": [
            {"name": "new_first_name", "label": "New first name", "type": "text"},
            {"name": "new_last_name", "label": "New last name", "type": "text"},
            {"name": "effective_date", "label": "Date of the change", "type": "date"},
        ],
    },
    {
        "code": "bank-details", "visibility": "processing_team", "name": "Change of bank details", "kind": "bank_details", "order": 30,
        "description": "The account your pay goes into. A payroll officer checks it and a second one verifies it.",
        "processing_team": "payroll", "affects_payroll": True, "attachments_allowed": False,
        "approval_chain": [{"approver": "payroll"}],
        "fields": [],
    },
    {
        "code": "overtime", "name": "Overtime claim", "order": 40,
        "description": "Claim overtime you have worked. Over 10 hours also needs your head of service.",
        "processing_team": "payroll", "affects_payroll": True,
        "approval_chain": [LM, {"approver": "head_of_service", "when": {"field": "hours", "over": 10}}],
        "fields": [
            {"name": "date", "label": "Date worked", "type": "date"},
            {"name": "hours", "label": "Hours of overtime", "type": "decimal"},
            {"name": "reason", "label": "What the overtime was for", "type": "textarea"},
        ],
    },
    {
        "code": "mileage-expenses", "name": "Mileage and expenses claim", "order": 41,
        "description": "Claim business mileage and out-of-pocket expenses.",
        "attachment_hint": "your receipts or mileage log",
        "processing_team": "payroll", "affects_payroll": True, "approval_chain": [LM],
        "attachment_required": True,
        "fields": [
            {"name": "date", "label": "Date of the journey or expense", "type": "date"},
            {"name": "claim_type", "label": "What are you claiming?", "type": "choice",
             "choices": ["Mileage", "Expenses", "Mileage and expenses"]},
            {"name": "miles", "label": "Business miles", "type": "decimal", "required": False},
            {"name": "amount", "label": "Total amount claimed in pounds", "type": "decimal"},
            {"name": "description", "label": "Journey or purchase details", "type": "textarea"},
        ],
    },
    {
        "code": "flexible-working", "name": "Flexible working request", "order": 50,
        "description": "A statutory request to change when, where or how long you work. "
                       "We must decide within 2 months.",
        "processing_team": "hr", "affects_payroll": False, "decision_deadline_days": 61,
        "approval_chain": [LM],
        "fields": [
            {"name": "current_pattern", "label": "Your current working pattern", "type": "textarea"},
            {"name": "requested_pattern", "label": "The pattern you are asking for", "type": "textarea"},
            {"name": "effective_date", "label": "When you would like it to start", "type": "date"},
            {"name": "effect", "label": "How the change may affect your team and how it could be handled",
             "type": "textarea", "required": False},
        ],
    },
    {
        "code": "working-hours", "name": "Change of working hours", "order": 51,
        "description": "An agreed change to your contracted hours.",
        "processing_team": "payroll", "affects_payroll": True, "approval_chain": [LM],
        "fields": [
            {"name": "current_hours", "label": "Current hours a week", "type": "decimal"},
            {"name": "new_hours", "label": "New hours a week", "type": "decimal"},
            {"name": "effective_date", "label": "From", "type": "date"},
        ],
    },
    {
        "code": "digital-request", "name": "Digital application or device", "order": 60,
        "description": "Ask for software or a device beyond the standard kit. Over £500 also needs your "
                       "head of service.",
        "processing_team": "hr", "affects_payroll": False,
        "approval_chain": [LM, {"approver": "head_of_service", "when": {"field": "amount", "over": 500}}],
        "fields": [
            {"name": "item_kind", "label": "What do you need?", "type": "choice", "choices": ["Application", "Device"]},
            {"name": "item", "label": "Name of the application or device", "type": "text"},
            {"name": "business_need", "label": "What it will let you do for residents or colleagues",
             "type": "textarea"},
            {"name": "amount", "label": "Approximate cost in pounds", "type": "decimal", "required": False},
        ],
    },
]
