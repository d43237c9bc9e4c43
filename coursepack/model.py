"""The one document model every exporter receives: frozen, typed, fully resolved.

Built once by ``load.load_course`` (``assemble.py``): outcomes are resolved to objects,
Markdown is rendered to (sanitised) HTML, image paths are resolved to ``Asset`` objects.
The document only: exporter options and the course folder travel beside it (``load.Loaded``).
Exporters never read ``course/`` again except through ``Asset.source`` for file bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Literal, Mapping, Union

QuestionKind = Literal["single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay"]


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    text: str
    level: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    """A file from the course folder that an output must carry.

    ``path`` is relative to the course folder, with '/' separators (e.g. ``assets/roles.svg``);
    HTML in the model refers to the asset by exactly this string.
    """

    path: str
    source: Path
    media_type: str
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str                      # "<module-id>-<lesson-slug>", NCName-safe, stable
    number: int                  # position within the module, from 1
    title: str
    outcomes: tuple[Outcome, ...]
    minutes: int | None
    html: str                    # rendered body (without the title)
    headings: tuple[Heading, ...]
    assets: tuple[Asset, ...]
    source: str                  # path relative to the course folder


@dataclass(frozen=True, slots=True)
class Choice:
    html: str                    # rendered inline
    text: str                    # the Markdown source
    correct: bool
    weight: float                # percent of the question's points, -100..100
    feedback_html: str


@dataclass(frozen=True, slots=True)
class TextAnswer:
    text: str
    weight: float
    feedback_html: str


@dataclass(frozen=True, slots=True)
class NumberAnswer:
    value: float
    tolerance: float
    weight: float
    feedback_html: str


@dataclass(frozen=True, slots=True)
class Unit:
    unit: str
    multiplier: float


@dataclass(frozen=True, slots=True)
class Pair:
    left_html: str
    left: str
    right: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    """What every question has; each type is a subclass holding only its own fields.

    ``kind`` is the type's tag as quiz.yaml writes it (``type: single``), a class attribute:
    templates and messages read it, formats dispatch on the class (``match q: case Essay(): …``).
    """

    kind: ClassVar[QuestionKind]
    #: scored by the format itself; an essay waits for a teacher
    auto_graded: ClassVar[bool] = True

    id: str
    number: int                  # position within its quiz, from 1
    stem: str                    # Markdown source
    stem_html: str
    points: float
    outcomes: tuple[Outcome, ...]
    feedback_html: str = ""
    hints_html: tuple[str, ...] = ()
    penalty: float | None = None
    image: Asset | None = None
    image_alt: str = ""
    assets: tuple[Asset, ...] = ()   # every asset the question's texts use, image included
    source: str = ""                  # quiz file, relative to the course folder
    line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SingleChoice(Question):
    """One choice is right (the best weight scores)."""

    kind: ClassVar[QuestionKind] = "single"
    choices: tuple[Choice, ...]
    shuffle: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MultipleChoice(Question):
    """Every correct choice is to be ticked; weights add up."""

    kind: ClassVar[QuestionKind] = "multiple"
    choices: tuple[Choice, ...]
    shuffle: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TrueFalse(Question):
    kind: ClassVar[QuestionKind] = "truefalse"
    answer: bool
    feedback_true_html: str = ""
    feedback_false_html: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortAnswer(Question):
    kind: ClassVar[QuestionKind] = "shortanswer"
    text_answers: tuple[TextAnswer, ...]
    case_sensitive: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Numerical(Question):
    kind: ClassVar[QuestionKind] = "numerical"
    number_answers: tuple[NumberAnswer, ...]
    units: tuple[Unit, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Matching(Question):
    kind: ClassVar[QuestionKind] = "matching"
    pairs: tuple[Pair, ...]
    shuffle: bool = False

    @property
    def rights(self) -> tuple[str, ...]:
        """The right-hand sides, each once, in the order they first occur."""
        return tuple(dict.fromkeys(p.right for p in self.pairs))


@dataclass(frozen=True, slots=True, kw_only=True)
class Essay(Question):
    """Free text for a teacher to grade."""

    kind: ClassVar[QuestionKind] = "essay"
    auto_graded: ClassVar[bool] = False
    grader_notes_html: str = ""
    response_format: str = "editor"
    response_lines: int = 10
    response_required: bool = True
    response_template: str = ""


#: every question type; a format's ``match`` ends with ``case _: assert_never(q)`` over this union
AnyQuestion = Union[SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching, Essay]
#: the class of each quiz.yaml ``type``
QUESTION_CLASSES: Mapping[str, type[Question]] = MappingProxyType(
    {cls.kind: cls for cls in (SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching, Essay)})


@dataclass(frozen=True, slots=True)
class Quiz:
    id: str                      # "<module-id>-quiz"
    title: str
    shuffle: bool
    questions: tuple[AnyQuestion, ...]
    source: str

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


@dataclass(frozen=True, slots=True)
class Module:
    id: str                      # folder name without its NN- prefix
    number: int                  # position in the course, from 1
    folder: str
    title: str
    summary_html: str
    outcomes: tuple[Outcome, ...]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    definition_html: str


@dataclass(frozen=True, slots=True)
class Completion:
    mastery_score: float
    require: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Branding:
    """course.yaml's ``branding``: each part is optional; exporters that print pages apply it."""

    logo: Asset | None = None
    logo_alt: str = ""
    accent: str | None = None        # '#rrggbb', lowercase, contrast with white checked
    css: Asset | None = None         # a .css file of the course, checked to load no other file


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    subtitle: str | None
    language: str
    version: str
    date: dt.date
    authors: tuple[Author, ...]
    description: str
    keywords: tuple[str, ...]
    licence: str | None
    outcomes: tuple[Outcome, ...]
    completion: Completion
    modules: tuple[Module, ...]
    glossary: tuple[GlossaryEntry, ...]
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # course.yaml overrides
    branding: Branding = Branding()

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(lesson for m in self.modules for lesson in m.lessons)

    @property
    def questions(self) -> tuple[AnyQuestion, ...]:
        return tuple(q for m in self.modules if m.quiz for q in m.quiz.questions)

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Every asset used anywhere, once each, sorted by path."""
        found = {a.path: a for lesson in self.lessons for a in lesson.assets}
        found.update({a.path: a for q in self.questions for a in q.assets})
        return tuple(found[p] for p in sorted(found))
