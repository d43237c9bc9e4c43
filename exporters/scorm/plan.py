"""The SCOs of a package: one for the whole course (``sco: course``) or one per module
(``sco: module``), each with its modules, the extra pages it shows and the outcomes it covers."""

from __future__ import annotations

from dataclasses import dataclass

from coursepack.model import AnyQuestion, Course, Module

#: pages every SCO holds besides its lessons and quizzes, in page order: "start" first, the
#: others after the last module (the glossary only when the course has one)
EXTRA_PAGES = ("start", "glossary", "end")


@dataclass(frozen=True)
class Sco:
    """One launchable unit: the whole course or one module."""

    key: str                       # NCName-safe, stable: course id or module id
    title: str
    href: str                      # the launch page at the package root
    modules: tuple[Module, ...]
    extras: tuple[str, ...] = ()   # EXTRA_PAGES the SCO shows

    @property
    def lesson_offset(self) -> int:
        """Pages before the first lesson (the start page)."""
        return 1 if "start" in self.extras else 0

    @property
    def questions(self) -> tuple[AnyQuestion, ...]:
        return tuple(q for m in self.modules if m.quiz for q in m.quiz.questions)

    @property
    def page_count(self) -> int:
        return sum(len(m.lessons) + (1 if m.quiz else 0) for m in self.modules) + len(self.extras)

    @property
    def quiz_count(self) -> int:
        return sum(1 for m in self.modules if m.quiz)


def plan_scos(course: Course, mode: str) -> tuple[Sco, ...]:
    """The SCOs of the package, in course order. Pure and cheap (0.2 ms for the bench's L course
    of 100 modules), so ``preflight`` and ``export`` each plan for themselves rather than carry a
    plan from one step to the other."""
    extras = tuple(p for p in EXTRA_PAGES if p != "glossary" or course.glossary)
    if mode == "module":
        return tuple(Sco(m.id, m.title, f"{m.id}.html", (m,), extras) for m in course.modules)
    return (Sco(course.id, course.title, "index.html", course.modules, extras),)


def sco_outcomes(course: Course, sco: Sco) -> tuple[str, ...]:
    """Ids of the outcomes a SCO covers (its modules, lessons and questions), in course order."""
    used = {o.id for m in sco.modules for o in m.outcomes}
    used |= {o.id for m in sco.modules for lesson in m.lessons for o in lesson.outcomes}
    used |= {o.id for q in sco.questions for o in q.outcomes}
    return tuple(o.id for o in course.outcomes if o.id in used)
