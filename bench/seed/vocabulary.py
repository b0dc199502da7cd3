"""The words the seeded programme is made of: places, names, and the sentences people
write in referrals, visit logs, supervisions and evaluations.

Only constants. The planner draws from these lists by position, so reordering or
extending one changes the data a seed gives.
"""


def _words(text):
    return text.split()


# (project name, case reference code, local authority, postcode area)
PROJECTS = [
    ("Cambridgeshire", "CAM", "Cambridgeshire County Council", "CB"),
    ("Southend", "STH", "Southend-on-Sea City Council", "SS"),
    ("Norfolk", "NOR", "Norfolk County Council", "NR"),
    ("Suffolk", "SUF", "Suffolk County Council", "IP"),
    ("Essex", "ESS", "Essex County Council", "CM"),
    ("Hertfordshire", "HRT", "Hertfordshire County Council", "SG"),
    ("Bedford", "BED", "Bedford Borough Council", "MK"),
    ("Peterborough", "PBO", "Peterborough City Council", "PE"),
    ("Luton", "LUT", "Luton Borough Council", "LU"),
    ("Thurrock", "THU", "Thurrock Council", "RM"),
    ("Kent", "KEN", "Kent County Council", "CT"),
    ("Medway", "MED", "Medway Council", "ME"),
    ("Surrey", "SUR", "Surrey County Council", "GU"),
    ("Oxfordshire", "OXF", "Oxfordshire County Council", "OX"),
    ("Buckinghamshire", "BUC", "Buckinghamshire Council", "HP"),
    ("Northamptonshire", "NHA", "North Northamptonshire Council", "NN"),
    ("Leicestershire", "LEI", "Leicestershire County Council", "LE"),
    ("Nottinghamshire", "NOT", "Nottinghamshire County Council", "NG"),
    ("Derbyshire", "DER", "Derbyshire County Council", "DE"),
    ("Lincolnshire", "LIN", "Lincolnshire County Council", "LN"),
    ("Warwickshire", "WAR", "Warwickshire County Council", "CV"),
    ("Worcestershire", "WOR", "Worcestershire County Council", "WR"),
    ("Shropshire", "SHR", "Shropshire Council", "SY"),
    ("Somerset", "SOM", "Somerset Council", "TA"),
    ("Devon", "DEV", "Devon County Council", "EX"),
]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
FIRST_NAMES = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow "
    "Florence Emily Ella Poppy Evie Elsie Charlotte Noah Oliver George Arthur Muhammad "
    "Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo Alfie Jacob Thomas "
    "Finley Arlo Aisha Zara Priya Amir Kwame Chen Tomasz Agnieszka Fatima Yusuf"
)
# Surnames double as street names ("12 Walker Road").
SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright "
    "Thompson Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris "
    "Edwards Turner Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker "
    "Lee Allen Morris Khan Scott Watson Davis Parker James Bennett Young Phillips "
    "Richardson Mitchell Bailey Carter Cook Singh Shaw Bell Collins Morgan Kelly Begum "
    "Miller Cox"
)
LANGUAGES = [
    "English",
    "English",
    "English",
    "English, Polish",
    "English, Urdu",
    "English, Bengali",
]

# --- Volunteers -----------------------------------------------------------------------------

EXPERIENCE = [
    "Parent of three; school governor.",
    "Retired teaching assistant with experience of school attendance work.",
    "Worked in a children's centre; budgeting and benefits advice.",
    "Nursery nurse; family routines and bedtime routines.",
    "Housing officer; paperwork, letters and appointments.",
    "Volunteer with a food bank; isolation and confidence in parenting.",
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat"]
AVAILABILITY_TIMES = ["Mornings", "Afternoons", "After 4pm", "Any time"]
HEARD_ABOUT = ["word_of_mouth", "social_media", "website", "event"]
REFEREE_RELATIONSHIPS = ["Employer", "Former manager", "Tutor", "Friend"]
INTERVIEW_NOTES = "Warm, reliable, understands the role."
# Why someone was not progressed, by the step they stopped at, and what they were offered.
NOT_PROGRESSED = {
    "informal": (
        "Not suitable at the informal interview: could not commit the time.",
        "Suggested befriending older people with the local Age UK.",
    ),
    "formal": (
        "Not suitable at the formal interview: views on discipline at odds with the role.",
        "Suggested volunteering in the charity's shop.",
    ),
    "dbs": (
        "The DBS check showed a disclosure that the risk assessment did not accept.",
        "None suggested: the role works with children.",
    ),
    "reference": (
        "A reference was unsatisfactory.",
        "Suggested helping at the homework club with supervision.",
    ),
}
SUPERVISION_NOTES = [
    "Talked through the family's progress and the next steps of the plan.",
    "Reviewed the visit logs; agreed to focus on the school run.",
    "Discussed a difficult visit and self-care.",
]

# --- Referrals and families -----------------------------------------------------------------

REASONS = [
    "Neglect concerns: home conditions and the children's routines.",
    "Poor school attendance and missed health appointments.",
    "Mother isolated and struggling with money after a separation.",
    "Domestic abuse in the past; mother needs support to keep routines going.",
    "Parents overwhelmed by paperwork and debts; the children's needs are missed.",
]
HOPES = [
    "To get the children to school on time every day.",
    "To manage money and stop falling behind with bills.",
    "To feel more confident as a parent and make friends locally.",
    "To keep appointments and get the house in order.",
]
RISK_DETAILS = "A dog in the house; kept in the garden during visits."
DECLINE_REASONS = [
    "The family does not meet the criteria: no child is on a plan.",
    "The family is already supported by another service.",
    "The family did not consent when we contacted them.",
]
WAITLIST_REASON = "No volunteer is free near the family yet."
WITHDRAWAL_REASON = "The family moved away."
CLOSE_REASONS = {
    "planned": "The work is done: the goals of the plan were met.",
    "disengaged": "The family no longer wished to work with a volunteer.",
    "escalated": "Escalated to statutory services.",
    "volunteer_left": "Closed after the volunteer stepped back.",
    "family_moved": "The family moved out of the area.",
    "other": "Closed after a review with the social worker.",
    "unmatched": "The family withdrew their consent before a volunteer was found.",
    "no_volunteer": "No volunteer became free in time; closed with the social worker's agreement.",
}

# --- Visits and concerns --------------------------------------------------------------------

VISIT_NOTES = [
    "Helped with the morning routine; the children were ready for school on time.",
    "Went through the bills together and made a weekly budget.",
    "Went with mum to the GP appointment.",
    "Played with the children while mum sorted the letters.",
    "Talked about bedtimes; mum will try the new routine this week.",
    "Cooked a meal together and planned the week's shopping.",
    "Walked to the children's centre; mum signed up for the stay-and-play group.",
]
NO_CONTACT_NOTE = "Nobody answered; left a message."
CONCERNS = [
    "The youngest child had a bruise on his arm that mum could not explain.",
    "Mum said her ex-partner had been to the house again last night.",
    "The children had not eaten today and there was no food in the house.",
    "The older child said she was scared to go home after school.",
]
FOLLOW_UPS = [
    "Spoke to the social worker the same day; she visited the next morning.",
    "Passed to the MASH; strategy discussion held, plan updated.",
    "Food bank voucher given and the social worker told; no further action.",
]

# --- Outcomes -------------------------------------------------------------------------------

GOAL_PROGRESS = "Steady progress; the family keeps to the plan most weeks."
TEXT_ANSWERS = [
    "Mum is much more confident and the children get to school on time.",
    "The family keeps to a routine now and the house is calmer.",
    "More time to plan the visits together would have helped.",
    "Having someone to talk to every week made the difference.",
]
