"""The demo council's shape and vocabulary, kept apart from the command that builds it.

The module name starts with an underscore so Django does not take it for a management command.
Importing it registers the named demo sign-ins, so both `seed_demo` (which creates them) and
`demo_logins` (which prints them, in another process) see the same list.
"""

from core.demo import register_demo_login

COUNCIL_CODE = "council"
COUNCIL_NAME = "Demo Borough Council"
EMAIL_DOMAIN = "demo-borough.example"

# One shared password for every demo account (generated staff included), printed by `make demo`.
DEMO_PASSWORD = "demo-password-2026"

# username -> what the account shows off. The order is the order `make demo` prints them in.
DEMO_ACCOUNTS: dict[str, str] = {
    "employee": "Employee: a care coordinator with a line manager",
    "manager": "Line manager: a team manager with direct and indirect reports",
    "hr": "HR adviser: sees every employee record",
    "payroll": "Payroll officer",
    "payroll2": "Second payroll officer (a different person verifies bank-detail changes)",
    "champion": "Digital champion",
    "director": "Portfolio lead: Director of Adults and Health",
    "admin": "Intranet admin (also the Django admin)",
}

for _username, _description in DEMO_ACCOUNTS.items():
    register_demo_login(_username, _description)


# (code, name, [(dept code, dept name, [team names], [staff job titles])])
# Codes are stable short slugs; every code in the tree is unique.
# fmt: off
PORTFOLIOS: list[tuple[str, str, list[tuple[str, str, list[str], list[str]]]]] = [
    ("ceo", "Chief Executive's Office", [
        ("policy", "Policy and Performance", ["Corporate Policy", "Performance and Insight"],
         ["Policy Officer", "Performance Analyst", "Data Analyst", "Research Officer"]),
        ("comms", "Communications and Engagement", ["Media Relations", "Digital Content", "Internal Communications"],
         ["Communications Officer", "Content Designer", "Press Officer", "Graphic Designer"]),
        ("democratic", "Democratic Services", ["Committee Services", "Member Support"],
         ["Democratic Services Officer", "Committee Clerk", "Member Support Officer"]),
        ("elections", "Electoral Services", ["Electoral Registration", "Elections Delivery"],
         ["Electoral Services Officer", "Elections Assistant"]),
        ("emergency", "Emergency Planning and Resilience", ["Resilience", "Business Continuity"],
         ["Emergency Planning Officer", "Resilience Officer"]),
    ]),
    ("adults", "Adults and Health", [
        ("asc", "Adult Social Care", ["Assessment North", "Assessment South", "Hospital Discharge"],
         ["Social Worker", "Care Coordinator", "Occupational Therapist", "Social Care Assessor", "Support Worker"]),
        ("public-health", "Public Health", ["Health Improvement", "Health Protection", "Public Health Intelligence"],
         ["Public Health Practitioner", "Health Improvement Officer", "Public Health Analyst"]),
        ("adults-commissioning", "Adults Commissioning", ["Market Development", "Contracts and Quality"],
         ["Commissioning Officer", "Contracts Officer", "Quality Assurance Officer"]),
        ("safeguarding-adults", "Safeguarding Adults", ["Safeguarding Hub", "Deprivation of Liberty Safeguards"],
         ["Safeguarding Practitioner", "Best Interests Assessor", "Safeguarding Administrator"]),
        ("reablement", "Reablement and Home Care", ["Reablement East", "Reablement West", "Night Support"],
         ["Reablement Support Worker", "Home Care Worker", "Scheduling Officer"]),
        ("mental-health", "Mental Health and Learning Disabilities", ["Community Mental Health", "Learning Disabilities"],
         ["Approved Mental Health Professional", "Social Worker", "Support Worker"]),
        ("day-opps", "Day Opportunities", ["Riverside Day Centre", "Oakfield Day Centre"],
         ["Day Services Officer", "Activities Coordinator", "Care Assistant", "Minibus Driver"]),
    ]),
    ("children", "Children and Families", [
        ("csc", "Children's Social Care", ["Referral and Assessment", "Child in Need", "Child Protection"],
         ["Social Worker", "Family Support Worker", "Contact Supervisor", "Business Support Officer"]),
        ("early-help", "Early Help", ["Family Hubs North", "Family Hubs South"],
         ["Early Help Practitioner", "Family Support Worker", "Parenting Practitioner"]),
        ("education", "Education and Inclusion", ["School Improvement", "Attendance and Inclusion"],
         ["School Improvement Adviser", "Education Welfare Officer", "Inclusion Officer"]),
        ("send", "Special Educational Needs and Disabilities", ["SEND Assessment", "SEND Transport"],
         ["SEND Caseworker", "Educational Psychologist", "Transport Coordinator"]),
        ("fostering", "Fostering and Adoption", ["Fostering Recruitment", "Fostering Support", "Adoption"],
         ["Supervising Social Worker", "Recruitment Officer", "Adoption Social Worker"]),
        ("youth", "Youth Services", ["Youth Justice", "Youth Work"],
         ["Youth Worker", "Youth Justice Officer", "Detached Youth Worker"]),
        ("admissions", "School Admissions", ["Admissions", "Free School Meals"],
         ["Admissions Officer", "Admissions Assistant"]),
    ]),
    ("place", "Place and Environment", [
        ("highways", "Highways", ["Highways Maintenance", "Street Lighting", "Network Management"],
         ["Highways Inspector", "Highways Engineer", "Street Works Coordinator", "Operative"]),
        ("waste", "Waste and Recycling", ["Collections North", "Collections South", "Household Waste Sites"],
         ["Refuse Collector", "HGV Driver", "Recycling Officer", "Site Operative"]),
        ("planning", "Planning", ["Development Management", "Planning Policy", "Planning Enforcement"],
         ["Planning Officer", "Planning Enforcement Officer", "Planning Technician"]),
        ("building-control", "Building Control", ["Building Control"],
         ["Building Control Surveyor", "Building Control Technician"]),
        ("parks", "Parks and Open Spaces", ["Grounds Maintenance", "Bereavement Services", "Countryside"],
         ["Gardener", "Park Ranger", "Cemetery Officer", "Arboricultural Officer"]),
        ("env-health", "Environmental Health", ["Food Safety", "Pollution Control", "Licensing"],
         ["Environmental Health Officer", "Licensing Officer", "Technical Officer"]),
        ("transport", "Transport and Parking", ["Parking Services", "Passenger Transport"],
         ["Civil Enforcement Officer", "Transport Planner", "Parking Administrator"]),
        ("regeneration", "Regeneration and Economy", ["Town Centre", "Employment and Skills"],
         ["Regeneration Officer", "Economic Development Officer", "Project Manager"]),
    ]),
    ("resources", "Resources", [
        ("hr", "Human Resources", ["HR Advisory", "Recruitment", "Learning and Development"],
         ["HR Adviser", "HR Officer", "Recruitment Officer", "Learning and Development Officer"]),
        ("payroll", "Payroll and Pensions", ["Payroll", "Pensions"],
         ["Payroll Officer", "Payroll Assistant", "Pensions Officer"]),
        ("finance", "Finance", ["Financial Planning", "Accounts Payable", "Internal Audit"],
         ["Accountant", "Finance Officer", "Auditor", "Accounts Assistant"]),
        ("ict", "ICT and Digital", ["Service Desk", "Infrastructure", "Digital Services"],
         ["Service Desk Analyst", "Systems Administrator", "Developer", "Business Analyst"]),
        ("revenues", "Revenues and Benefits", ["Council Tax", "Business Rates", "Housing Benefit"],
         ["Revenues Officer", "Benefits Assessor", "Recovery Officer"]),
        ("legal", "Legal Services", ["Litigation", "Property and Contracts"],
         ["Solicitor", "Paralegal", "Legal Assistant"]),
        ("procurement", "Procurement", ["Procurement"],
         ["Procurement Officer", "Category Manager"]),
        ("customer", "Customer Services", ["Contact Centre", "Face to Face"],
         ["Customer Service Adviser", "Customer Service Assistant"]),
    ]),
    ("housing", "Housing and Communities", [
        ("housing-options", "Housing Options", ["Housing Advice", "Allocations"],
         ["Housing Options Officer", "Allocations Officer"]),
        ("homelessness", "Homelessness and Rough Sleeping", ["Prevention", "Temporary Accommodation"],
         ["Homelessness Prevention Officer", "Outreach Worker", "Accommodation Officer"]),
        ("housing-mgmt", "Housing Management", ["Tenancy Services", "Repairs", "Income"],
         ["Housing Officer", "Repairs Surveyor", "Income Officer", "Caretaker"]),
        ("libraries", "Libraries", ["Central Library", "Branch Libraries"],
         ["Library Assistant", "Librarian", "Digital Inclusion Officer"]),
        ("community-safety", "Community Safety", ["Anti-social Behaviour", "CCTV"],
         ["Community Safety Officer", "CCTV Operator", "Neighbourhood Warden"]),
        ("leisure", "Leisure and Culture", ["Leisure Centres", "Museums and Arts"],
         ["Leisure Assistant", "Lifeguard", "Museum Officer", "Arts Development Officer"]),
    ]),
]
# fmt: on

# Who gets a role just by working somewhere (dept code -> role), and teams with a narrower role.
DEPARTMENT_ROLES = {"hr": "HR", "payroll": "Payroll"}
TEAM_ROLES = {"Learning and Development": "Learning admin", "Internal Communications": "News editor"}

# The named accounts' posts: where each sits (portfolio, department, position in the tree).
DIRECTOR_PORTFOLIO = "adults"
MANAGER_DEPARTMENT = "asc"
HR_DEPARTMENT = "hr"
PAYROLL_DEPARTMENT = "payroll"
CHAMPION_DEPARTMENT = "libraries"
ADMIN_DEPARTMENT = "ict"

LOCATIONS = [
    "Civic Centre",
    "Town Hall",
    "Riverside House",
    "Northgate Depot",
    "Eastfield Hub",
    "Westbrook Offices",
    "Central Library",
    "Station Road Office",
    "Marston Court",
    "Kingsway House",
]

WORK_STYLE_BY_WORD = {
    # Jobs done out in the community are mobile; desk and site jobs are static; others mixed.
    "mobile": (
        "Social Worker",
        "Inspector",
        "Worker",
        "Officer",
        "Collector",
        "Driver",
        "Ranger",
        "Surveyor",
    ),
    "static": ("Assistant", "Operative", "Caretaker", "Gardener", "Lifeguard", "CCTV", "Care Assistant"),
}

STAFF_GRADES = ["Grade 4", "Grade 5", "Grade 6", "Grade 7", "SO1", "SO2"]
LEADER_GRADES = ["PO1", "PO2"]
MANAGER_GRADES = ["PO3", "PO4", "PO5"]
HEAD_GRADE = "HoS 2"
DIRECTOR_GRADE = "Director"

# fmt: off
FIRST_NAMES = [
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar", "William",
    "James", "Henry", "Leo", "Alfie", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander",
    "Daniel", "Samuel", "Joseph", "Benjamin", "Matthew", "David", "Andrew", "Mark", "Paul", "Richard",
    "Stephen", "Peter", "Michael", "Christopher", "Robert", "John", "Ian", "Gary", "Simon", "Neil",
    "Craig", "Darren", "Lee", "Gareth", "Rhys", "Owen", "Dylan", "Callum", "Connor", "Liam",
    "Mohammed", "Ahmed", "Imran", "Arjun", "Ravi", "Sanjay", "Vikram", "Tariq", "Kwame", "Tomasz",
    "Piotr", "Marek", "Andrzej", "Kofi", "Chinedu", "Hamza", "Yusuf", "Aiden", "Finlay", "Euan",
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy", "Ella",
    "Lily", "Evie", "Isabella", "Jessica", "Sophie", "Charlotte", "Lucy", "Hannah", "Chloe", "Megan",
    "Sarah", "Emma", "Laura", "Rebecca", "Rachel", "Claire", "Nicola", "Helen", "Karen", "Julie",
    "Susan", "Margaret", "Elizabeth", "Catherine", "Joanne", "Michelle", "Louise", "Kelly", "Gemma", "Natalie",
    "Siobhan", "Niamh", "Ffion", "Cerys", "Eilidh", "Kirsty", "Fatima", "Aisha", "Priya", "Anjali",
    "Sunita", "Nadia", "Zainab", "Amina", "Agnieszka", "Katarzyna", "Magdalena", "Abimbola", "Chiamaka", "Mei",
]
PREFERRED_NAMES = {
    "Alexander": "Alex", "Benjamin": "Ben", "Christopher": "Chris", "Daniel": "Dan", "Elizabeth": "Liz",
    "Catherine": "Kate", "Joseph": "Joe", "Matthew": "Matt", "Michael": "Mike", "Nicola": "Nicky",
    "Richard": "Rich", "Robert": "Rob", "Samuel": "Sam", "Stephen": "Steve", "Thomas": "Tom",
    "William": "Will", "Rebecca": "Becky", "Margaret": "Maggie", "Katarzyna": "Kasia", "Magdalena": "Magda",
}
LAST_NAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali",
    "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
    "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
    "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
    "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West",
    "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
    "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
    "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
    "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland",
    "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird",
    "Nowak", "Kowalski", "Wiśniewska", "Okafor", "Adeyemi", "Mensah", "Chowdhury", "Rahman", "Sharma", "Chen",
    "MacDonald", "McLeod", "Fraser", "Doherty", "Quinn", "Byrne", "Nolan", "Pritchard", "Jenkins-Hughes", "Llewellyn",
]
# fmt: on
