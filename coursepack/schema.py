"""The shape of every source file, as pydantic models.

These models are the single definition of the source format: the validator uses them,
and ``coursepack schema`` turns them into JSON Schema for editors. They describe files as
written; the frozen model handed to exporters lives in ``model.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, RootModel

SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
IDENT = r"^[A-Za-z][A-Za-z0-9_-]*$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
COLOUR = r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$"

#: what a pattern means, for error messages (pattern → explanation)
PATTERN_HELP = {
    SLUG: "a slug: lowercase letters, digits and single '-', starting with a letter (e.g. 'intro-ai')",
    IDENT: "an id: letters, digits, '-' and '_', starting with a letter (e.g. 'LO1', 'peran-utama')",
    LANGUAGE: "a BCP 47 language tag such as 'id', 'en' or 'pt-BR'",
    COLOUR: "a colour written '#rrggbb' or '#rgb', e.g. '#0b6e4f'",
}

Text = Annotated[str, Field(min_length=1)]
Markdown = Annotated[str, Field(description="Markdown text")]
Weight = Annotated[float, Field(ge=-100, le=100, description="percent of the question's points")]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- course.yaml ----------------------------------------------------------------------

class Author(Source):
    name: Text
    email: str | None = None
    affiliation: str | None = None


class OutcomeSource(Source):
    id: Annotated[str, Field(pattern=IDENT, description="stable id, e.g. LO1")]
    text: Text
    level: Literal["remember", "understand", "apply", "analyze", "evaluate", "create"] | None = Field(
        None, description="Bloom level")


class Completion(Source):
    mastery_score: Annotated[float, Field(ge=0, le=100)] = Field(
        80, description="percent needed to pass")
    require: Annotated[list[Literal["lessons", "quiz"]], Field(min_length=1)] = Field(
        default_factory=lambda: ["lessons", "quiz"],
        description="what completes the course: every lesson viewed and/or every quiz submitted")


class Branding(Source):
    logo: str | None = Field(None, description="image in the course folder (PNG, JPEG, GIF, WebP or SVG), "
                             "path relative to course.yaml, e.g. assets/logo.svg")
    logo_alt: str = Field("", description="text alternative for the logo; leave empty when the logo only "
                          "repeats the course or organisation name printed beside it")
    accent: Annotated[str, Field(pattern=COLOUR)] | None = Field(
        None, description="accent colour of links, buttons and headings, '#rrggbb'; it must contrast 4.5:1 "
        "with white")
    css: str | None = Field(None, description="a CSS file in the course folder, applied after the built-in "
                            "styles of the SCORM pages and the handbook, e.g. assets/brand.css")


class CourseFile(Source):
    """course.yaml"""

    id: Annotated[str, Field(pattern=SLUG, max_length=64, description="slug used in output file names")]
    title: Text
    subtitle: str | None = None
    language: Annotated[str, Field(pattern=LANGUAGE, description="BCP 47 language tag")]
    version: Text
    date: dt.date
    authors: Annotated[list[Author], Field(min_length=1)]
    description: str = ""
    keywords: list[Text] = Field(default_factory=list)
    licence: str | None = None
    outcomes: Annotated[list[OutcomeSource], Field(min_length=1)]
    completion: Completion = Field(default_factory=Completion)
    modules: list[Text] | None = Field(None, description="explicit order of module folder names")
    trust_html: bool = Field(False, description="pass raw HTML in lessons through unsanitised")
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="interface words to replace, by label key (see the README)")
    branding: Branding = Field(default_factory=Branding, description="logo, accent colour and custom CSS")
    exporters: dict[str, dict[str, Any] | None] = Field(
        default_factory=dict, description="options per exporter name")


# --- module.yaml and lesson front matter ------------------------------------------------

class ModuleFile(Source):
    """module.yaml"""

    title: Text
    summary: Markdown = ""
    outcomes: list[Text] = Field(default_factory=list)


class LessonFront(Source):
    """A lesson's YAML front matter."""

    title: Text
    outcomes: list[Text] = Field(default_factory=list)
    minutes: Annotated[int, Field(ge=1, le=600)] | None = Field(None, description="estimated minutes")


# --- quiz.yaml --------------------------------------------------------------------------

class QuestionBase(Source):
    id: Annotated[str, Field(pattern=IDENT, max_length=100)]
    stem: Annotated[Markdown, Field(min_length=1)]
    points: Annotated[float, Field(gt=0, le=1000)] = 1
    outcomes: list[Text] = Field(default_factory=list)
    image: str | None = Field(None, description="image path relative to quiz.yaml")
    image_alt: str | None = Field(None, description="text alternative for the image")
    feedback: Markdown = Field("", description="general feedback shown after answering")
    hints: list[Markdown] = Field(default_factory=list)
    penalty: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="share of the points lost per wrong try (Moodle interactive mode)")


class Choice(Source):
    text: Text
    correct: bool = False
    weight: Weight | None = None
    feedback: Markdown = ""


class SingleQuestion(QuestionBase):
    type: Literal["single"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    shuffle: bool = True


class MultipleQuestion(QuestionBase):
    type: Literal["multiple"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    shuffle: bool = True


class TrueFalseQuestion(QuestionBase):
    type: Literal["truefalse"]
    answer: bool
    feedback_true: Markdown = ""
    feedback_false: Markdown = ""


class TextAnswer(Source):
    text: Text
    weight: Weight = 100
    feedback: Markdown = ""


class ShortAnswerQuestion(QuestionBase):
    type: Literal["shortanswer"]
    answers: Annotated[list[TextAnswer], Field(min_length=1)]
    case_sensitive: bool = False


class NumberAnswer(Source):
    value: float
    tolerance: Annotated[float, Field(ge=0)] = 0
    weight: Weight = 100
    feedback: Markdown = ""


class Unit(Source):
    unit: Text
    multiplier: Annotated[float, Field(gt=0)] = 1


class NumericalQuestion(QuestionBase):
    type: Literal["numerical"]
    answers: Annotated[list[NumberAnswer], Field(min_length=1)]
    units: list[Unit] = Field(default_factory=list)


class Pair(Source):
    left: Text
    right: Text


class MatchingQuestion(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2)]
    shuffle: bool = True


class EssayQuestion(QuestionBase):
    type: Literal["essay"]
    grader_notes: Markdown = ""
    response_format: Literal["editor", "plain", "monospaced"] = "editor"
    response_lines: Annotated[int, Field(ge=3, le=40)] = 10
    response_required: bool = True
    response_template: str = ""


QuestionSource = Annotated[
    Union[SingleQuestion, MultipleQuestion, TrueFalseQuestion, ShortAnswerQuestion,
          NumericalQuestion, MatchingQuestion, EssayQuestion],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "truefalse", "shortanswer", "numerical", "matching", "essay")


class QuizFile(Source):
    """quiz.yaml"""

    title: str | None = None
    shuffle: bool = False
    questions: Annotated[list[QuestionSource], Field(min_length=1)]


# --- glossary.yaml ----------------------------------------------------------------------

class Term(Source):
    term: Text
    definition: Annotated[Markdown, Field(min_length=1)]


class GlossaryFile(RootModel[list[Term]]):
    """glossary.yaml"""


#: file kind → model, in the order `coursepack schema` writes them
FILE_MODELS: dict[str, type[BaseModel]] = {
    "course": CourseFile,
    "module": ModuleFile,
    "lesson-front-matter": LessonFront,
    "quiz": QuizFile,
    "glossary": GlossaryFile,
}


def default_weights(choices: list[Choice]) -> list[float]:
    """Weights for a multiple-answer question: explicit ones, else ±100/number of correct."""
    correct = sum(1 for c in choices if c.correct) or 1
    share = 100 / correct
    return [c.weight if c.weight is not None else (share if c.correct else -share) for c in choices]
