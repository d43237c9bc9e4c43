"""``moodle_backup.xml`` (what the backup holds, and its settings), ``course/``, ``sections/`` and
the course-wide files: gradebook, course completion, roles, and the empty ones a backup without
users has (users, groups, badges, outcomes, scales).
"""

from __future__ import annotations

import html

from lxml import etree


from .activities import COURSE_GRADE_CATEGORY, completion_of, quiz_points
from .files import FilePool
from .plan import (BACKUP_RELEASE, BACKUP_VERSION, COURSE_CONTEXT, COURSE_ID, MOODLE_RELEASE, MOODLE_VERSION,
                   SYSTEM_CONTEXT, WWWROOT, Plan, Section, decimal, element, empty, fields, serialize, sub)

FORMAT_HTML = 1
MODE_GENERAL = 10                   # backup::MODE_GENERAL
CRITERIA_ACTIVITY = 4               # COMPLETION_CRITERIA_TYPE_ACTIVITY
AGGREGATION_ALL = 1
GRADE_AGGREGATE_SUM = 13            # "Natural"
#: root settings of the backup; ``users`` is on only so that glossary entries (user data in
#: Moodle's eyes) are restored: the backup holds no user, enrolment or role assignment
ROOT_SETTINGS = (("imscc11", 0), ("users", 1), ("anonymize", 0), ("role_assignments", 0), ("activities", 1),
                 ("blocks", 0), ("files", 1), ("filters", 0), ("comments", 0), ("badges", 0), ("calendarevents", 0),
                 ("userscompletion", 0), ("logs", 0), ("grade_histories", 0), ("questionbank", 1), ("groups", 0),
                 ("competencies", 0), ("customfield", 0), ("contentbankcontent", 0), ("xapistate", 0),
                 ("legacyfiles", 0))


def moodle_lang(language: str) -> str:
    """Moodle's name of a language pack: ``pt_br`` for ``pt-BR``."""
    return language.lower().replace("-", "_")


def moodle_backup_xml(plan: Plan, filename: str) -> bytes:
    course = plan.course
    root = element("moodle_backup")
    info = sub(root, "information")
    fields(info, [
        ("name", filename), ("moodle_version", MOODLE_VERSION), ("moodle_release", MOODLE_RELEASE),
        ("backup_version", BACKUP_VERSION), ("backup_release", BACKUP_RELEASE), ("backup_date", plan.timestamp),
        ("mnet_remoteusers", 0), ("include_files", 1), ("include_file_references_to_external_content", 0),
        ("original_wwwroot", WWWROOT), ("original_site_identifier_hash", ""), ("original_course_id", COURSE_ID),
        ("original_course_format", "topics"), ("original_course_fullname", course.title),
        ("original_course_shortname", course.id), ("original_course_startdate", plan.startdate),
        ("original_course_enddate", 0), ("original_course_contextid", COURSE_CONTEXT),
        ("original_system_contextid", SYSTEM_CONTEXT)])
    detail = sub(sub(info, "details"), "detail", backup_id=f"coursepack-{course.id}"[:32])
    fields(detail, [("type", "course"), ("format", "moodle2"), ("interactive", 1), ("mode", MODE_GENERAL),
                    ("execution", 1), ("executiontime", 0)])
    contents = sub(info, "contents")
    activities = sub(contents, "activities")
    for a in plan.activities:
        fields(sub(activities, "activity"), [
            ("moduleid", a.cmid), ("sectionid", a.section.id), ("modulename", a.modname), ("title", a.title),
            ("directory", a.directory), ("insubsection", "")])
    sections = sub(contents, "sections")
    for s in plan.sections:
        fields(sub(sections, "section"), [("sectionid", s.id), ("title", s.number), ("directory", s.directory),
                                          ("parentcmid", ""), ("modname", "")])
    fields(sub(contents, "course"), [("courseid", COURSE_ID), ("title", course.id), ("directory", "course")])
    settings = sub(info, "settings")

    def setting(level: str, name: str, value: object, **owner: str) -> None:
        node = sub(settings, "setting")
        sub(node, "level", level)
        for tag, key in owner.items():
            sub(node, tag, key)
        sub(node, "name", name)
        sub(node, "value", value)

    setting("root", "filename", filename)
    for name, value in ROOT_SETTINGS:
        setting("root", name, value)
    for s in plan.sections:
        setting("section", f"{s.key}_included", 1, section=s.key)
        setting("section", f"{s.key}_userinfo", 1, section=s.key)
        for a in plan.section_activities(s):
            setting("activity", f"{a.key}_included", 1, activity=a.key)
            setting("activity", f"{a.key}_userinfo", 1 if a.modname == "glossary" else 0, activity=a.key)
    return serialize(root)


def course_xml(plan: Plan) -> bytes:
    course = plan.course
    root = element("course", id=COURSE_ID, contextid=COURSE_CONTEXT)
    stamp = plan.timestamp
    fields(root, [
        ("shortname", course.id), ("fullname", course.title), ("idnumber", ""),
        ("summary", f"<p>{html.escape(course.description.strip(), quote=False)}</p>"), ("summaryformat", FORMAT_HTML),
        ("format", "topics"), ("showgrades", 1), ("newsitems", 0), ("startdate", plan.startdate), ("enddate", 0),
        ("marker", 0), ("maxbytes", 0), ("legacyfiles", 0), ("showreports", 0), ("visible", 1), ("groupmode", 0),
        ("groupmodeforce", 0), ("defaultgroupingid", 0), ("lang", moodle_lang(course.language)), ("theme", ""),
        ("timecreated", stamp), ("timemodified", stamp), ("requested", 0), ("showactivitydates", 0),
        ("showcompletionconditions", 1), ("pdfexportfont", None), ("enablecompletion", 1), ("completionnotify", 0)])
    category = sub(root, "category", id=1)
    fields(category, [("name", "Category 1"), ("description", None)])
    sub(root, "tags")
    sub(root, "customfields")
    options = sub(root, "courseformatoptions")
    for name, value in (("hiddensections", 0), ("coursedisplay", 0)):
        fields(sub(options, "courseformatoption"), [("format", "topics"), ("sectionid", 0), ("name", name),
                                                    ("value", value)])
    return serialize(root)


def course_inforef(plan: Plan) -> bytes:
    root = element("inforef")
    sub(sub(sub(root, "roleref"), "role"), "id", STUDENT_ROLE)
    if plan.categories:
        refs = sub(root, "question_categoryref")
        for category in plan.categories:
            sub(sub(refs, "question_category"), "id", category.id)
    return serialize(root)


STUDENT_ROLE = 5                    # the student role, mapped by its archetype on restore


def enrolments_xml(plan: Plan) -> bytes:
    """One manual enrolment (students), no user in it. Restore copies a backup's enrolment methods
    when its ``users`` setting is on, and adds Moodle's default ones only when it is off."""
    root = element("enrolments")
    enrol = sub(sub(root, "enrols"), "enrol", id=1)
    custom = [(f"customint{n}", None) for n in range(1, 9)] + [(f"customchar{n}", None) for n in range(1, 4)] + \
        [(f"customdec{n}", None) for n in range(1, 3)] + [(f"customtext{n}", None) for n in range(1, 5)]
    fields(enrol, [("enrol", "manual"), ("status", 0), ("name", None), ("enrolperiod", 0), ("enrolstartdate", 0),
                   ("enrolenddate", 0), ("expirynotify", 0), ("expirythreshold", 86400), ("notifyall", 0),
                   ("password", None), ("cost", None), ("currency", None), ("roleid", STUDENT_ROLE), *custom,
                   ("timecreated", plan.timestamp), ("timemodified", plan.timestamp)])
    sub(enrol, "user_enrolments")
    return serialize(root)


def roles_xml() -> bytes:
    root = element("roles_definition")
    fields(sub(root, "role", id=STUDENT_ROLE), [("name", ""), ("shortname", "student"), ("nameincourse", None),
                                               ("description", ""), ("sortorder", STUDENT_ROLE),
                                               ("archetype", "student")])
    return serialize(root)


def course_files(plan: Plan) -> dict[str, bytes]:
    return {"course/roles.xml": empty("roles", "role_overrides", "role_assignments"),
            "course/enrolments.xml": enrolments_xml(plan),
            "course/completiondefaults.xml": empty("course_completion_defaults"),
            "course/filters.xml": empty("filters", "filter_actives", "filter_configs"),
            "course/calendar.xml": empty("events"), "course/comments.xml": empty("comments"),
            "course/competencies.xml": empty("course_competencies", "competencies", "user_competencies"),
            "course/contentbank.xml": empty("contents")}


def section_summary(plan: Plan, section: Section, outcomes_label: str) -> str:
    module = section.module
    if module is None:
        return ""
    parts = [module.summary_html.strip()]
    if module.outcomes:
        items = "".join(f"<li><strong>{html.escape(o.id)}</strong> {html.escape(o.text)}</li>" for o in module.outcomes)
        parts.append(f"<h4>{html.escape(outcomes_label)}</h4><ul>{items}</ul>")
    return "\n".join(p for p in parts if p)


def section_files(plan: Plan, section: Section, pool: FilePool, outcomes_label: str,
                  links: dict[str, str]) -> dict[str, bytes]:
    module = section.module
    summary, used = pool.text(section_summary(plan, section, outcomes_label),
                              plan.assets, COURSE_CONTEXT, "course", "section", section.id, links)
    root = element("section", id=section.id)
    fields(root, [
        ("number", section.number), ("name", module.title if module else None), ("summary", summary),
        ("summaryformat", FORMAT_HTML), ("sequence", ",".join(str(a.cmid) for a in plan.section_activities(section))),
        ("visible", 1), ("availabilityjson", None), ("component", None), ("itemid", None),
        ("timemodified", plan.timestamp)])
    inforef = element("inforef")
    if used:
        refs = sub(inforef, "fileref")
        for file_id in used:
            sub(sub(refs, "file"), "id", file_id)
    return {f"{section.directory}/section.xml": serialize(root), f"{section.directory}/inforef.xml": serialize(inforef)}


def gradebook_xml(plan: Plan) -> bytes:
    stamp = plan.timestamp
    root = element("gradebook")
    sub(root, "attributes")
    fields(sub(sub(root, "grade_categories"), "grade_category", id=COURSE_GRADE_CATEGORY), [
        ("parent", None), ("depth", 1), ("path", f"/{COURSE_GRADE_CATEGORY}/"), ("fullname", "?"),
        ("aggregation", GRADE_AGGREGATE_SUM), ("keephigh", 0), ("droplow", 0), ("aggregateonlygraded", 1),
        ("aggregateoutcomes", 0), ("timecreated", stamp), ("timemodified", stamp), ("hidden", 0)])
    total = sum(quiz_points(a) for a in plan.graded() if a.modname == "quiz")     # a SCORM weighs 0
    item = fields(sub(sub(root, "grade_items"), "grade_item", id=1), [
        ("categoryid", None), ("itemname", None), ("itemtype", "course"), ("itemmodule", None),
        ("iteminstance", COURSE_GRADE_CATEGORY), ("itemnumber", None), ("iteminfo", None), ("idnumber", None),
        ("calculation", None), ("gradetype", 1), ("grademax", decimal(total or 100)), ("grademin", decimal(0)),
        ("scaleid", None), ("outcomeid", None), ("gradepass", decimal(0)), ("multfactor", decimal(1)),
        ("plusfactor", decimal(0)), ("aggregationcoef", decimal(0)), ("aggregationcoef2", decimal(0)),
        ("weightoverride", 0), ("sortorder", 1), ("display", 0), ("decimals", None), ("hidden", 0), ("locked", 0),
        ("locktime", 0), ("needsupdate", 0), ("timecreated", stamp), ("timemodified", stamp)])
    sub(item, "grade_grades")
    sub(root, "grade_letters")
    fields(sub(sub(root, "grade_settings"), "grade_setting", id=""), [("name", "minmaxtouse"), ("value", 1)])
    return serialize(root)


def completion_xml(plan: Plan) -> bytes:
    """Course completion: every activity that tracks completion, all of them required; not the
    SCORM package, which repeats the course's lessons and quizzes."""
    root = element("course_completion")
    tracked = [a for a in plan.activities if a.modname != "scorm" and completion_of(plan.course, a).completion]
    for n, activity in enumerate(tracked, start=1):
        criteria = fields(sub(root, "course_completion_criteria", id=n), [
            ("course", COURSE_ID), ("criteriatype", CRITERIA_ACTIVITY), ("module", activity.modname),
            ("moduleinstance", activity.cmid), ("courseinstanceshortname", None), ("enrolperiod", None),
            ("timeend", None), ("gradepass", None), ("role", None), ("roleshortname", None)])
        sub(criteria, "course_completion_crit_completions")
    if tracked:
        for n, criteriatype in enumerate((None, CRITERIA_ACTIVITY), start=1):
            fields(sub(root, "course_completion_aggr_methd", id=n), [
                ("course", COURSE_ID), ("criteriatype", criteriatype), ("method", AGGREGATION_ALL), ("value", None)])
    return serialize(root)


def root_files(plan: Plan) -> dict[str, bytes]:
    return {"gradebook.xml": gradebook_xml(plan), "completion.xml": completion_xml(plan),
            "roles.xml": roles_xml(), "users.xml": empty("users"),
            "groups.xml": serialize(_groups()), "outcomes.xml": empty("outcomes_definition"),
            "scales.xml": empty("scales_definition"), "badges.xml": empty("badges"),
            "grade_history.xml": empty("grade_history", "grade_grades")}


def _groups() -> etree._Element:
    root = element("groups")
    sub(root, "groupcustomfields")
    sub(sub(root, "groupings"), "groupingcustomfields")
    return root


def course_folder(plan: Plan) -> dict[str, bytes]:
    return {"course/course.xml": course_xml(plan), "course/inforef.xml": course_inforef(plan), **course_files(plan)}

