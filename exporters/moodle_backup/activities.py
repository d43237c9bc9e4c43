"""``activities/<modname>_<cmid>/``: each lesson as a Page (or one Book per module), each module's
quiz as a Quiz, the glossary as a Glossary; ``module.xml`` with the activity's completion rule.

Lesson HTML goes in unchanged except its links: course files become ``@@PLUGINFILE@@/name`` in
the activity's own file area, links between lessons become Moodle's restore link tokens
(``$@PAGEVIEWBYID*cmid@$``, ``$@BOOKVIEWBYIDCH*cmid*chapter@$``), which restore turns into
the restored activities' addresses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from coursepack.model import Course

from .files import FilePool
from .plan import BACKUP_VERSION, Activity, Plan, decimal, element, empty, fields, serialize, sub

COMPLETION_AUTOMATIC = 2
FORMAT_HTML = 1
PAGE_DISPLAY_OPTIONS = 'a:2:{s:10:"printintro";i:0;s:17:"printlastmodified";i:0;}'
REVIEW_DURING_AND_AFTER = 69904     # quiz review options: every moment but "during the attempt"
REVIEW_OVERALL = 4368
COURSE_GRADE_CATEGORY = 1
SCORM_PASSED, SCORM_COMPLETED = 2, 4         # scorm_status_options() bits
GRADE_HIGHEST, HIGHEST_ATTEMPT = 1, 0       # the grading README's "Uploading to Moodle" recommends
TOC_SIDE, TOC_DISABLED = 0, 3               # hidetoc: the structure beside the player, or none
SCORM_MAX_GRADE = 100                       # the package reports 0-100


@dataclass(frozen=True)
class Completion:
    """The activity completion rule of one course module (course_modules columns)."""

    completion: int = 0
    view: int = 0
    passgrade: int = 0
    gradeitemnumber: int | None = None
    minattempts: int = 0
    scormstatus: int | None = None      # a SCORM's completionstatusrequired (bits: 2 passed, 4 completed)


def completion_of(course: Course, activity: Activity) -> Completion:
    """Pages and books complete on view when lessons are required; quizzes on a passing grade
    (or, with a mastery score of 0, on one submitted attempt) when quizzes are required. A SCORM
    package reports its status once what ``require`` asks is done: it completes on "passed" when
    quizzes are required with a mastery score and it has questions, else on "passed" or "completed"."""
    require = course.completion.require
    if activity.modname == "scorm":
        if not require:
            return Completion()
        package = activity.package
        assert package is not None
        passing = "quiz" in require and course.completion.mastery_score > 0 and package.graded
        return Completion(COMPLETION_AUTOMATIC, scormstatus=SCORM_PASSED if passing else SCORM_PASSED | SCORM_COMPLETED)
    if activity.modname in ("page", "book") and "lessons" in require:
        return Completion(COMPLETION_AUTOMATIC, view=1)
    if activity.modname == "quiz" and "quiz" in require:
        if course.completion.mastery_score > 0:
            return Completion(COMPLETION_AUTOMATIC, passgrade=1, gradeitemnumber=0)
        return Completion(COMPLETION_AUTOMATIC, minattempts=1)
    return Completion()


def lesson_links(plan: Plan) -> dict[str, str]:
    """Lesson source → the restore token of the activity (and chapter) that shows it."""
    links = {}
    for source, cmid in plan.lesson_cm.items():
        if source in plan.lesson_chapter:
            links[source] = f"$@BOOKVIEWBYIDCH*{cmid}*{plan.lesson_chapter[source]}@$"
        else:
            links[source] = f"$@PAGEVIEWBYID*{cmid}@$"
    return links


def quiz_points(activity: Activity) -> float:
    assert activity.quiz is not None
    return sum(q.points for q in activity.quiz.questions)


def pass_grade(course: Course, activity: Activity) -> float:
    if activity.modname == "scorm":
        package = activity.package
        assert package is not None
        return course.completion.mastery_score if package.graded else 0
    return round(quiz_points(activity) * course.completion.mastery_score / 100, 5)


@dataclass
class ActivityWriter:
    plan: Plan
    pool: FilePool
    links: dict[str, str]

    def files(self, activity: Activity) -> dict[str, bytes]:
        """Every file of the activity's folder, by path in the backup."""
        used: list[int] = []
        body = getattr(self, activity.modname)(activity, used)
        folder = activity.directory
        out = {f"{folder}/{activity.modname}.xml": body, f"{folder}/module.xml": self.module(activity),
               f"{folder}/inforef.xml": self.inforef(activity, used), f"{folder}/grades.xml": self.grades(activity),
               f"{folder}/grade_history.xml": empty("grade_history", "grade_grades"),
               f"{folder}/roles.xml": empty("roles", "role_overrides", "role_assignments"),
               f"{folder}/filters.xml": empty("filters", "filter_actives", "filter_configs"),
               f"{folder}/comments.xml": empty("comments"), f"{folder}/calendar.xml": empty("events"),
               f"{folder}/competencies.xml": empty("course_module_competencies", "competencies"),
               f"{folder}/completion.xml": empty("completions", "completionviews"),
               f"{folder}/xapistate.xml": empty("states")}
        return out

    def root(self, activity: Activity) -> tuple[etree._Element, etree._Element]:
        root = element("activity", id=activity.instance, moduleid=activity.cmid, modulename=activity.modname,
                       contextid=activity.contextid)
        return root, sub(root, activity.modname, id=activity.instance)

    def text(self, activity: Activity, html_text: str, assets, component: str, filearea: str, itemid: int,
             used: list[int]) -> str:
        text, ids = self.pool.text(html_text.strip(), assets, activity.contextid, component, filearea, itemid,
                                   self.links)
        used += ids
        return text

    # --- the activities ------------------------------------------------------------------

    def page(self, activity: Activity, used: list[int]) -> bytes:
        (lesson,) = activity.lessons
        root, page = self.root(activity)
        stamp = self.plan.timestamp
        fields(page, [
            ("name", lesson.title), ("intro", ""), ("introformat", FORMAT_HTML),
            ("content", self.text(activity, lesson.html, lesson.assets, "mod_page", "content", 0, used)),
            ("contentformat", FORMAT_HTML), ("legacyfiles", 0), ("legacyfileslast", None), ("display", 5),
            ("displayoptions", PAGE_DISPLAY_OPTIONS), ("revision", 1), ("timemodified", stamp)])
        return serialize(root)

    def book(self, activity: Activity, used: list[int]) -> bytes:
        root, book = self.root(activity)
        stamp = self.plan.timestamp
        fields(book, [("name", activity.title), ("intro", ""), ("introformat", FORMAT_HTML), ("numbering", 1),
                      ("navstyle", 1), ("customtitles", 0), ("timecreated", stamp), ("timemodified", stamp)])
        chapters = sub(book, "chapters")
        for n, lesson in enumerate(activity.lessons, start=1):
            chapter = self.plan.lesson_chapter[lesson.source]
            fields(sub(chapters, "chapter", id=chapter), [
                ("pagenum", n), ("subchapter", 0), ("title", lesson.title),
                ("content", self.text(activity, lesson.html, lesson.assets, "mod_book", "chapter", chapter, used)),
                ("contentformat", FORMAT_HTML), ("hidden", 0), ("timemodified", stamp), ("importsrc", "")])
        sub(book, "chaptertags")
        return serialize(root)

    def quiz(self, activity: Activity, used: list[int]) -> bytes:
        quiz = activity.quiz
        assert quiz is not None
        root, node = self.root(activity)
        stamp = self.plan.timestamp
        points = decimal(quiz_points(activity))
        completion = completion_of(self.plan.course, activity)
        review = [(f"review{name}", REVIEW_DURING_AND_AFTER) for name in (
            "attempt", "correctness", "maxmarks", "marks", "specificfeedback", "generalfeedback", "rightanswer")]
        fields(node, [
            ("name", quiz.title), ("intro", ""), ("introformat", FORMAT_HTML), ("timeopen", 0), ("timeclose", 0),
            ("timelimit", 0), ("overduehandling", "autosubmit"), ("graceperiod", 0),
            ("preferredbehaviour", "deferredfeedback"), ("canredoquestions", 0), ("attempts_number", 0),
            ("attemptonlast", 0), ("grademethod", 1), ("decimalpoints", 2), ("questiondecimalpoints", -1),
            *review, ("reviewoverallfeedback", REVIEW_OVERALL), ("questionsperpage", 1), ("navmethod", "free"),
            ("shuffleanswers", 1), ("sumgrades", points), ("grade", points), ("timecreated", stamp),
            ("timemodified", stamp), ("password", ""), ("subnet", ""), ("browsersecurity", "-"), ("delay1", 0),
            ("delay2", 0), ("showuserpicture", 0), ("showblocks", 0), ("completionattemptsexhausted", 0),
            ("completionminattempts", completion.minattempts), ("allowofflineattempts", 0)])
        sub(node, "subplugin_quizaccess_seb_quiz")
        sub(node, "quiz_grade_items")
        instances = sub(node, "question_instances")
        for slot, q in enumerate(quiz.questions, start=1):
            qid = self.plan.question_ids[q.id]
            slot_id = qid           # one slot per question of the course
            instance = fields(sub(instances, "question_instance", id=slot_id), [
                ("quizid", activity.instance), ("slot", slot), ("page", slot), ("displaynumber", None),
                ("requireprevious", 0), ("maxmark", f"{q.points:.7f}"), ("quizgradeitemid", None)])
            fields(sub(instance, "question_reference", id=slot_id), [
                ("usingcontextid", activity.contextid), ("component", "mod_quiz"), ("questionarea", "slot"),
                ("questionbankentryid", qid), ("version", None)])
        sections = sub(node, "sections")
        fields(sub(sections, "section", id=activity.instance), [
            ("firstslot", 1), ("heading", ""), ("shufflequestions", 1 if quiz.shuffle else 0)])
        for tag in ("feedbacks", "overrides", "grades", "attempts"):
            sub(node, tag)
        return serialize(root)

    def glossary(self, activity: Activity, used: list[int]) -> bytes:
        root, node = self.root(activity)
        stamp = self.plan.timestamp
        fields(node, [
            ("name", activity.title), ("intro", ""), ("introformat", FORMAT_HTML), ("allowduplicatedentries", 0),
            ("displayformat", "dictionary"), ("mainglossary", 0), ("showspecial", 1), ("showalphabet", 1),
            ("showall", 1), ("allowcomments", 0), ("allowprintview", 1), ("usedynalink", 0), ("defaultapproval", 1),
            ("globalglossary", 0), ("entbypage", 50), ("editalways", 0), ("rsstype", 0), ("rssarticles", 0),
            ("assessed", 0), ("assesstimestart", 0), ("assesstimefinish", 0), ("scale", 0), ("timecreated", stamp),
            ("timemodified", stamp), ("completionentries", 0)])
        entries = sub(node, "entries")
        assets = self.plan.assets
        for n, entry in enumerate(self.plan.course.glossary, start=1):
            node_entry = fields(sub(entries, "entry", id=n), [
                ("userid", None), ("concept", entry.term),
                ("definition", self.text(activity, entry.definition_html, assets, "mod_glossary", "entry", n, used)),
                ("definitionformat", FORMAT_HTML), ("definitiontrust", 0), ("attachment", ""), ("timecreated", stamp),
                ("timemodified", stamp), ("teacherentry", 1), ("sourceglossaryid", 0), ("usedynalink", 0),
                ("casesensitive", 0), ("fullmatch", 0), ("approved", 1)])
            sub(node_entry, "aliases")
            sub(node_entry, "ratings")
        sub(node, "entriestags")
        sub(node, "categories")
        return serialize(root)

    def scorm(self, activity: Activity, used: list[int]) -> bytes:
        package = activity.package
        assert package is not None
        root, node = self.root(activity)
        context = activity.contextid
        used.append(self.pool.add_data(package.data, context, "mod_scorm", "package", 0, "/", package.filename).id)
        for name, data in package.entries:
            folder, _, filename = name.rpartition("/")
            used.append(self.pool.add_data(data, context, "mod_scorm", "content", 0, f"/{folder}/" if folder else "/",
                                           filename).id)
        completion = completion_of(self.plan.course, activity)
        launchable = [n for n, sco in enumerate(package.scoes, start=1) if sco.launch]
        several = len(launchable) > 1
        fields(node, [
            ("name", activity.title), ("scormtype", "local"), ("reference", package.filename), ("intro", ""),
            ("introformat", FORMAT_HTML), ("version", "SCORM_1.2"), ("maxgrade", SCORM_MAX_GRADE),
            ("grademethod", GRADE_HIGHEST), ("whatgrade", HIGHEST_ATTEMPT), ("maxattempt", 0), ("forcecompleted", 0),
            ("forcenewattempt", 0), ("lastattemptlock", 0), ("masteryoverride", 1), ("displayattemptstatus", 1),
            ("displaycoursestructure", 0), ("updatefreq", 0), ("sha1hash", hashlib.sha1(package.data).hexdigest()),
            ("md5hash", ""), ("revision", 1), ("launch", launchable[0] if launchable else ""), ("skipview", 0),
            ("hidebrowse", 0), ("hidetoc", TOC_SIDE if several else TOC_DISABLED), ("nav", 1),
            ("navpositionleft", -100), ("navpositiontop", -100), ("auto", 1 if several else 0), ("popup", 0),
            ("options", ""), ("width", 100), ("height", 500), ("timeopen", 0), ("timeclose", 0),
            ("timemodified", self.plan.timestamp), ("completionstatusrequired", completion.scormstatus),
            ("completionscorerequired", None), ("completionstatusallscos", 1 if completion.scormstatus else 0),
            ("autocommit", 0)])
        scoes = sub(node, "scoes")
        data_id = 0
        for n, sco in enumerate(package.scoes, start=1):
            row = fields(sub(scoes, "sco", id=n), [
                ("manifest", sco.manifest), ("organization", sco.organization), ("parent", sco.parent),
                ("identifier", sco.identifier), ("launch", sco.launch), ("scormtype", sco.scormtype),
                ("title", sco.title), ("sortorder", n)])
            datas = sub(row, "sco_datas")
            for name, value in sco.data:
                data_id += 1
                fields(sub(datas, "sco_data", id=data_id), [("name", name), ("value", value)])
            for tag in ("seq_ruleconds", "seq_rolluprules", "seq_objectives", "sco_tracks"):
                sub(row, tag)
        return serialize(root)

    # --- the companion files -------------------------------------------------------------

    def module(self, activity: Activity) -> bytes:
        completion = completion_of(self.plan.course, activity)
        root = element("module", id=activity.cmid, version=BACKUP_VERSION)
        fields(root, [
            ("modulename", activity.modname), ("sectionid", activity.section.id),
            ("sectionnumber", activity.section.number), ("idnumber", ""), ("added", self.plan.timestamp),
            ("score", 0), ("indent", 0), ("visible", 1), ("visibleoncoursepage", 1), ("visibleold", 1),
            ("groupmode", 0), ("groupingid", 0), ("completion", completion.completion),
            ("completiongradeitemnumber", completion.gradeitemnumber), ("completionpassgrade", completion.passgrade),
            ("completionview", completion.view), ("completionexpected", 0), ("availability", None),
            ("showdescription", 0), ("downloadcontent", 1), ("lang", None)])
        sub(root, "tags")
        return serialize(root)

    def inforef(self, activity: Activity, used: list[int]) -> bytes:
        root = element("inforef")
        if used:
            refs = sub(root, "fileref")
            for file_id in used:
                sub(sub(refs, "file"), "id", file_id)
        if activity.cmid in self.plan.grade_items:
            sub(sub(sub(root, "grade_itemref"), "grade_item"), "id", self.grade_item_id(activity))
        if activity.modname == "quiz":
            refs = sub(root, "question_categoryref")
            for category in self.plan.categories:
                sub(sub(refs, "question_category"), "id", category.id)
        return serialize(root)

    def grade_item_id(self, activity: Activity) -> int:
        return self.plan.grade_items[activity.cmid]

    def grades(self, activity: Activity) -> bytes:
        root = element("activity_gradebook")
        items = sub(root, "grade_items")
        if activity.cmid in self.plan.grade_items:
            stamp = self.plan.timestamp
            scorm = activity.modname == "scorm"
            grademax = SCORM_MAX_GRADE if scorm else quiz_points(activity)
            item = fields(sub(items, "grade_item", id=self.grade_item_id(activity)), [
                ("categoryid", COURSE_GRADE_CATEGORY), ("itemname", activity.title), ("itemtype", "mod"),
                ("itemmodule", activity.modname), ("iteminstance", activity.instance), ("itemnumber", 0),
                ("iteminfo", None), ("idnumber", ""), ("calculation", None), ("gradetype", 1),
                ("grademax", decimal(grademax)), ("grademin", decimal(0)), ("scaleid", None), ("outcomeid", None),
                ("gradepass", decimal(pass_grade(self.plan.course, activity))), ("multfactor", decimal(1)),
                ("plusfactor", decimal(0)), ("aggregationcoef", decimal(0)),
                # the SCORM repeats the quizzes: its weight in the course total is 0, set by hand
                ("aggregationcoef2", decimal(0)), ("weightoverride", 1 if scorm else 0),
                ("sortorder", self.grade_item_id(activity)), ("display", 0),
                ("decimals", None), ("hidden", 0), ("locked", 0), ("locktime", 0), ("needsupdate", 0),
                ("timecreated", stamp), ("timemodified", stamp)])
            sub(item, "grade_grades")
        sub(root, "grade_letters")
        return serialize(root)
