<?php
// Imports one Moodle XML file into a new course's question bank exactly as the question bank's
// Import page does (question/bank/importquestions/import.php, with the form's defaults: categories
// and contexts from the file, grades must match, stop on error), then loads every imported
// question and answers it through the question engine with the question type's own correct
// response.
//
//   php import_questions.php --file=bank.xml --shortname=unique-course
//
// Answer: ok, output (what the import printed), categories (path => question count by type),
// questions (name, qtype, category, state and fraction after the correct response), files.

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/question/format/xml/format.php');
require_once($CFG->dirroot . '/question/engine/lib.php');
require_once($CFG->libdir . '/questionlib.php');

$options = cp_options(['file', 'shortname']);
$course = cp_course($options['shortname']);
$context = context_course::instance($course->id);
$default = question_make_default_categories([$context]);
$contexts = new core_question\local\bank\question_edit_contexts($context);

$format = new qformat_xml();
$format->setCategory($default);
$format->setContexts($contexts->having_one_edit_tab_cap('import'));
$format->setCourse($course);
$format->setFilename($options['file']);
$format->setRealfilename(basename($options['file']));
$format->setMatchgrades('error');
$format->setCatfromfile(true);
$format->setContextfromfile(true);
$format->setStoponerror(true);

ob_start();
$ok = $format->importpreprocess() && $format->importprocess() && $format->importpostprocess();
$output = ob_get_clean();

// Category paths as Moodle XML names them ($course$/top/..., a '/' in a name doubled), question
// counts by type.
$categories = $DB->get_records('question_categories', ['contextid' => $context->id]);
$path = function (int $id) use ($categories): string {
    $names = [];
    while ($id && isset($categories[$id])) {
        array_unshift($names, str_replace('/', '//', $categories[$id]->name));   // as Moodle XML writes it
        $id = (int) $categories[$id]->parent;
    }
    return '$course$/' . implode('/', $names);
};
$rows = $DB->get_records_sql(
    "SELECT q.id, q.name, q.qtype, qbe.questioncategoryid AS category
       FROM {question} q
       JOIN {question_versions} qv ON qv.questionid = q.id
       JOIN {question_bank_entries} qbe ON qbe.id = qv.questionbankentryid
       JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
      WHERE qc.contextid = ? AND q.parent = 0
   ORDER BY q.id", [$context->id]);

$bycategory = [];
$questions = [];
$usercontext = context_user::instance($USER->id);
foreach ($rows as $row) {
    $category = $path((int) $row->category);
    $bycategory[$category][$row->qtype] = ($bycategory[$category][$row->qtype] ?? 0) + 1;

    $quba = question_engine::make_questions_usage_by_activity('core_question_preview', $usercontext);
    $quba->set_preferred_behaviour('deferredfeedback');
    $question = question_bank::load_question($row->id);
    $slot = $quba->add_question($question, 1);
    $quba->start_question($slot);
    $html = $quba->render_question($slot, new question_display_options());
    $response = $quba->get_correct_response($slot);
    if ($response === null && $row->qtype === 'essay') {
        $response = ['answer' => 'Jawaban esai.', 'answerformat' => FORMAT_HTML];   // graded by a teacher
    }
    $quba->process_action($slot, $response ?? []);
    $quba->finish_all_questions();
    $questions[] = [
        'name' => $row->name, 'qtype' => $row->qtype, 'category' => $category,
        'correct_response' => $response, 'state' => (string) $quba->get_question_state($slot),
        'fraction' => (float) $quba->get_question_fraction($slot), 'rendered' => strlen($html),
    ];
}

$files = [];
foreach ($DB->get_records_select('files',
        "contextid = ? AND filename <> '.' AND (component = 'question' OR component LIKE 'qtype\\_%')",
        [$context->id], 'id') as $file) {
    $files[] = ['component' => $file->component, 'filearea' => $file->filearea, 'filename' => $file->filename,
                'filesize' => (int) $file->filesize, 'mimetype' => $file->mimetype];
}

cp_answer(['ok' => $ok, 'output' => $output, 'categories' => $bycategory, 'questions' => $questions,
           'files' => $files]);
