"""The cases: projects with their manager and social workers, the referrals they
send (accepted or not), the families accepted from them and, as volunteers come
free, the families' matches.

At the proportions asked for (ten families for each volunteer over the years,
matches of about six months) families outrun volunteers: a family waits, and
after `MAX_WAIT` without a volunteer its case closes unmatched (about a third of
cases at the full scale), as a project would close it with the social worker.
"""

import datetime
import math

from bench.seed import vocabulary as words
from bench.seed.plan import ChildPlan, FamilyPlan, MatchPlan, PersonPlan, ProjectPlan, ReferralPlan
from bench.seed.planner.recruitment import EMAIL_DOMAIN, next_volunteer_number, plan_volunteer

MAX_WAIT = datetime.timedelta(days=120)  # for a volunteer, before a case closes unmatched
END_REASONS = ["planned", "disengaged", "escalated", "volunteer_left", "family_moved", "other"]
END_WEIGHTS = [78, 8, 4, 4, 3, 3]


def plan_projects(count):
    """The named projects first, then made-up areas."""
    projects = []
    for index in range(count):
        if index < len(words.PROJECTS):
            name, code, local_authority, area = words.PROJECTS[index]
        else:
            letters = "".join(chr(65 + (index // 26**k) % 26) for k in (1, 0))
            name, code = f"Area {index + 1}", f"X{letters}"
            local_authority, area = f"Area {index + 1} Council", "ZZ"
        projects.append(ProjectPlan(index, name, code, local_authority, area))
    return projects


def plan_people(draws, project, social_workers):
    """The project's manager and its `social_workers`."""
    code = project.code.lower()
    first_name, last_name = draws.name()
    project.manager = PersonPlan(
        f"pm.{code}@{EMAIL_DOMAIN}", first_name, last_name, "project_manager"
    )
    for n in range(social_workers):
        first_name, last_name = draws.name()
        project.social_workers.append(
            PersonPlan(
                f"sw{n + 1:02d}.{code}@{EMAIL_DOMAIN}",
                first_name,
                last_name,
                "social_worker",
                organisation=project.local_authority,
                team=f"Family safeguarding team {n % 4 + 1}",
                phone=draws.phone(),
            )
        )


def plan_authenticators(draws, people):
    # A confirmed authenticator each, whose key nobody knows: the bench signs in by
    # creating sessions, never through the two-step form.
    for person in people:
        person.totp_key = f"{draws.rng.getrandbits(160):040x}"


def plan_referral(draws, project, status, created_on):
    rng, days, reference = draws.rng, draws.days, draws.reference
    paper = rng.random() < 0.02  # entered by the manager for a social worker
    social_worker = None if paper else rng.choice(project.social_workers)
    mother, surname = rng.choice(words.FIRST_NAMES), rng.choice(words.SURNAMES)
    referral = ReferralPlan(project, social_worker, surname, status, created_on)
    referral.level = rng.choices([4, 3, 2], weights=[55, 40, 5])[0]
    referred_on = created_on
    first_plan = rng.choices(["cp", "cin", "none"], weights=[65, 30, 5])[0]
    for _ in range(rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]):
        plan = first_plan if rng.random() < 0.8 else rng.choice(["cp", "cin"])
        category = rng.choice(reference.cp_categories) if plan == "cp" else None
        born = referred_on - days(60, 16 * 365)
        first_name = rng.choice(words.FIRST_NAMES)
        referral.children.append(ChildPlan(first_name, surname, born, plan, category))
    referral.children.sort(key=lambda child: child.born)
    referral.needs = rng.sample(reference.needs, rng.randint(1, 3))
    referral.risks = rng.sample(reference.risks, rng.randint(0, 2))
    referral.details = {
        "parents_carers": f"{mother} {surname} (mother)",
        "address": f"{rng.randint(1, 200)} {rng.choice(words.SURNAMES)} Road",
        "postcode": draws.postcode(project),
        "phone": draws.phone(),
        "languages": rng.choice(words.LANGUAGES),
        "reasons": rng.choice(words.REASONS),
        "hopes": rng.choice(words.HOPES),
        "risk_details": words.RISK_DETAILS if referral.risks else "",
    }
    return referral


def plan_families(draws, projects, counts, social_workers_per_project):
    """Accepted referrals over the years (more each year as the programme grows), and
    the referrals that were not accepted, or are still open."""
    window = (draws.today - draws.family_start).days
    for project, count in zip(projects, counts, strict=True):
        plan_people(draws, project, max(1, min(social_workers_per_project, count // 3)))
        accepted = sorted(
            draws.family_start + datetime.timedelta(days=int(window * draws.rng.random() ** 0.75))
            for _ in range(count)
        )
        for accepted_on in accepted:
            submitted_on = accepted_on - draws.days(2, 15)
            referral = plan_referral(draws, project, "accepted", submitted_on - draws.days(0, 7))
            referral.submitted_on, referral.decided_on = submitted_on, accepted_on
            if draws.rng.random() < 0.1:
                referral.waitlisted_on = submitted_on + (accepted_on - submitted_on) // 2
                referral.decision_reason = words.WAITLIST_REASON
            project.families.append(FamilyPlan(referral, accepted_on))
        plan_other_referrals(draws, project, count)


def plan_other_referrals(draws, project, families):
    rng, days, today = draws.rng, draws.days, draws.today
    window = (today - draws.family_start).days
    for status, count in (
        ("declined", round(families * 0.08)),
        ("withdrawn", round(families * 0.03)),
        ("submitted", max(1, min(12, families // 60))),
        ("waitlisted", max(1, min(4, families // 200))),
        ("draft", max(1, min(6, families // 150))),
    ):
        for _ in range(count):
            if status in ("declined", "withdrawn"):
                created_on = draws.family_start + days(0, window - 20)
            elif status == "submitted":
                created_on = today - days(1, 20)
            elif status == "waitlisted":
                created_on = today - days(25, 90)
            else:
                created_on = today - days(0, 40)
            referral = plan_referral(draws, project, status, created_on)
            if status != "draft" and not (status == "withdrawn" and rng.random() < 0.4):
                referral.submitted_on = min(created_on + days(0, 5), today)
            if status == "declined":
                referral.decided_on = min(referral.submitted_on + days(1, 10), today)
                referral.decision_reason = rng.choice(words.DECLINE_REASONS)
            elif status == "waitlisted":
                referral.waitlisted_on = min(referral.submitted_on + days(1, 10), today)
                referral.decision_reason = words.WAITLIST_REASON
            elif status == "withdrawn":
                referral.withdrawn_on = min(
                    (referral.submitted_on or created_on) + days(1, 20), today
                )
            project.other_referrals.append(referral)


def plan_extra_closed_families(draws, projects, count):
    """`count` more families in the first project, all closed within the
    last year with their whole journey, for measuring the impact report. Each of
    them is worked with by one of the extra volunteers, two families in turn."""
    if not count:
        return
    project = projects[0]
    days, today = draws.days, draws.today
    for pair in range(math.ceil(count / 2)):
        end1 = today - days(330, 355)
        start1 = end1 - days(140, 175)
        number = next_volunteer_number(projects)
        volunteer = plan_volunteer(draws, project, "signed_off", number, start1 - days(5, 60))
        volunteer.leaves_on = None
        spans = [(start1, end1)]
        if 2 * pair + 1 < count:
            start2 = end1 + days(7, 21)
            spans.append((start2, start2 + days(140, 175)))
        for started_on, ended_on in spans:
            submitted_on = started_on - days(10, 40)
            referral = plan_referral(draws, project, "accepted", submitted_on - days(0, 7))
            referral.submitted_on, referral.decided_on = submitted_on, submitted_on + days(1, 5)
            family = FamilyPlan(referral, referral.decided_on, full_outcomes=True)
            match = MatchPlan(family, volunteer, started_on, ended_on, "planned")
            family.matches.append(match)
            family.closed_on = ended_on + days(0, 10)
            family.close_reason = words.CLOSE_REASONS["planned"]
            volunteer.matches.append(match)
            project.families.append(family)
        if draws.rng.random() < 0.5:
            volunteer.leaves_on = volunteer.matches[-1].ended_on + days(20, 60)
        volunteer.free_from = volunteer.matches[-1].ended_on + days(3, 21)
    project.families.sort(key=lambda family: family.accepted_on)


def find_volunteer(draws, pool, desired, duration, exclude=None):
    """A free volunteer on `desired` (chosen at random), else the one free soonest."""
    fits = [
        v
        for v in pool
        if v is not exclude and (v.leaves_on is None or desired + duration <= v.leaves_on)
    ]
    free = [v for v in fits if v.free_from <= desired]
    if free:
        return draws.rng.choice(free), desired
    best = None
    for volunteer in fits:
        start = volunteer.free_from
        if start == datetime.date.max:  # in an active match
            continue
        if volunteer.leaves_on is not None and start + duration > volunteer.leaves_on:
            continue
        if best is None or start < best[1]:
            best = (volunteer, start)
    return best or (None, None)


def schedule_matches(draws, projects):
    rng, days, today = draws.rng, draws.days, draws.today
    families, matches = [], []
    for project in projects:
        pool = [v for v in project.volunteers if v.kind == "signed_off"]
        for family in project.families:
            families.append(family)
            if family.matches:  # planned already (the extra closed families)
                matches.extend(family.matches)
                continue
            if rng.random() < 0.06:  # withdrew before a volunteer was found
                closed_on = family.accepted_on + days(20, 120)
                if closed_on <= today:
                    family.closed_on = closed_on
                    family.close_reason = words.CLOSE_REASONS["unmatched"]
                continue
            desired = family.accepted_on + days(7, 45)
            previous = None
            while desired <= today:
                reason = rng.choices(END_REASONS, weights=END_WEIGHTS)[0]
                duration = days(112, 196) if reason == "planned" else days(30, 112)
                volunteer, start = find_volunteer(draws, pool, desired, duration, previous)
                deadline = desired + MAX_WAIT
                if volunteer is None or start > min(deadline, today):
                    # Demand outruns the volunteers: after months of waiting the case
                    # closes with the social worker's agreement (or is still waiting).
                    closed_on = deadline + days(0, 40)
                    if closed_on <= today:
                        family.closed_on = closed_on
                        family.close_reason = words.CLOSE_REASONS["no_volunteer"]
                    break
                match = MatchPlan(family, volunteer, start)
                family.matches.append(match)
                volunteer.matches.append(match)
                matches.append(match)
                if start + duration > today:
                    volunteer.free_from = datetime.date.max
                    break
                match.ended_on, match.end_reason = start + duration, reason
                rest = days(60, 120) if reason == "volunteer_left" else days(3, 21)
                volunteer.free_from = match.ended_on + rest
                if reason == "volunteer_left" and rng.random() < 0.7 and len(family.matches) < 3:
                    desired, previous = match.ended_on + days(7, 30), volunteer
                    continue
                closed_on = match.ended_on + days(0, 21)
                if closed_on <= today:
                    family.closed_on = closed_on
                    family.close_reason = words.CLOSE_REASONS[reason]
                break
    return families, matches


def plan_referral_consents(draws, projects):
    """Every referral past a draft has the family's consent; half the drafts do."""
    for project in projects:
        for referral in project.referrals:
            referral.consent_given = referral.status != "draft" or draws.rng.random() < 0.5


def number_cases(project):
    """`CODE-YEAR-NNNN`, numbered within each year by the day the family was accepted."""
    for family in sorted(project.families, key=lambda f: f.accepted_on):
        year = family.accepted_on.year
        project.case_numbers[year] = project.case_numbers.get(year, 0) + 1
        family.case_reference = f"{project.code}-{year}-{project.case_numbers[year]:04d}"
