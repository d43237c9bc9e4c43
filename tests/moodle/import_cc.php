<?php
// Imports a Common Cartridge as a new course the way Moodle's restore page does for a .imscc:
// the file is unpacked into a backup temp folder, backup_general_helper::detect_backup_format()
// names its format, convert_helper::to_moodle2_format() converts it (imscc11 → moodle1 →
// moodle2), then a restore_controller restores it into a new course (backup::TARGET_NEW_COURSE).
//
//   php import_cc.php --file=course.imscc --shortname=unique-course
//
// Answer: the detected format, the course's sections in order with their modules (type, name),
// every page's text and files, every quiz with its questions by qtype (marks, general feedback,
// question text and its files, answers with their grades and feedback), and the question
// categories of the course context with their questions by qtype.

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->dirroot . '/backup/util/helper/convert_helper.class.php');
require_once($CFG->dirroot . '/course/lib.php');

$options = cp_options(['file', 'shortname']);
// The CC converter parses question HTML with DOMDocument behind PHP's '@' (its own choice to
// silence libxml's complaints about HTML): those are not shown and not reported here. Every
// other notice, warning and deprecation is kept as common.php does.
// The page importer (entity11.resource.class.php) reads each page with DOMDocument::loadHTML()
// without '@', and libxml's HTML parser, older than HTML5, warns "Tag video invalid" for each
// element it does not know, then keeps the element: those tags are answered as 'unknown_tags'
// (the test says which are expected), not as notices.
$GLOBALS['cp_unknown_tags'] = [];
set_error_handler(function (int $level, string $message, string $file, int $line): bool {
    if (!(error_reporting() & $level)) {
        return true;    // silenced with '@' by the code that raised it
    }
    if (preg_match('/^DOMDocument::loadHTML\(\): Tag (\w+) invalid in Entity/', $message, $match)) {
        $GLOBALS['cp_unknown_tags'][$match[1]] = true;
        return true;
    }
    $GLOBALS['cp_notices'][] = "$message ($file:$line)";
    return false;
});
// Developer debugging sends every restore log line to the PHP error log (stderr here); keep
// warnings and errors there, so that the test still fails on them.
$CFG->backup_error_log_logger_level = backup::LOG_WARNING;
// Any backup or restore records the site's backup version (restore_controller does it on
// creation); the CC converter writes that version into the backup it makes, so record it first,
// as on any site where a backup or restore has run before.
backup_controller_dbops::apply_version_and_release();

$folder = 'coursepack-' . $options['shortname'];
$path = make_backup_temp_directory($folder);
if (!get_file_packer('application/zip')->extract_to_pathname($options['file'], $path)) {
    throw new moodle_exception('could not unpack the cartridge');
}
$format = backup_general_helper::detect_backup_format($folder);
if ($format !== backup::FORMAT_MOODLE) {
    // the restore page runs in backup/, and the CC converter loads its templates relative to it
    chdir($CFG->dirroot . '/backup');
    convert_helper::to_moodle2_format($folder, $format);
}

$categoryid = \core_course_category::get_default()->id;
$courseid = restore_dbops::create_new_course('coursepack cc ' . $options['shortname'], $options['shortname'], $categoryid);
$controller = new restore_controller($folder, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
    $USER->id, backup::TARGET_NEW_COURSE);
if (!$controller->execute_precheck()) {
    $results = $controller->get_precheck_results();
    if (!empty($results['errors'])) {
        throw new moodle_exception('restore precheck failed: ' . json_encode($results));
    }
}
$precheck = $controller->get_precheck_results();
$controller->execute_plan();
$controller->destroy();

$modinfo = get_fast_modinfo($courseid);
$fs = get_file_storage();
$sections = [];
foreach ($modinfo->get_section_info_all() as $section) {
    $modules = [];
    foreach ($modinfo->sections[$section->section] ?? [] as $cmid) {
        $cm = $modinfo->get_cm($cmid);
        $module = ['type' => $cm->modname, 'name' => $cm->name];
        $context = context_module::instance($cm->id);
        if ($cm->modname === 'page') {
            $page = $DB->get_record('page', ['id' => $cm->instance], '*', MUST_EXIST);
            $module['content'] = $page->content;
            $module['files'] = [];
            foreach ($fs->get_area_files($context->id, 'mod_page', 'content', false, 'filepath, filename', false) as $file) {
                $module['files'][] = ['path' => $file->get_filepath() . $file->get_filename(),
                                      'size' => (int) $file->get_filesize()];
            }
        } else if ($cm->modname === 'quiz') {
            $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
            $module['grade'] = (float) $quiz->grade;
            $module['qtypes'] = [];
            foreach (cp_quiz_questions((int) $quiz->id) as $question) {
                $module['qtypes'][] = $question->qtype;
                $module['marks'][] = (float) $question->defaultmark;
                $answers = [];
                foreach ($DB->get_records('question_answers', ['question' => $question->id], 'id') as $answer) {
                    $answers[] = ['text' => $answer->answer, 'fraction' => (float) $answer->fraction,
                                  'feedback' => $answer->feedback];
                }
                $files = [];
                foreach ($fs->get_area_files($question->contextid, 'question', 'questiontext', $question->id,
                        'filepath, filename', false) as $file) {
                    $files[] = ['path' => $file->get_filepath() . $file->get_filename(),
                                'size' => (int) $file->get_filesize()];
                }
                $module['questions'][] = ['name' => $question->name, 'generalfeedback' => $question->generalfeedback,
                                          'questiontext' => $question->questiontext, 'files' => $files,
                                          'answers' => $answers];
            }
        }
        $modules[] = $module;
    }
    $sections[] = ['number' => (int) $section->section, 'name' => (string) $section->name, 'modules' => $modules];
}

$coursecontext = context_course::instance($courseid);
$categories = cp_question_counts($coursecontext->id);

cp_answer(['format' => $format, 'course' => (int) $courseid, 'sections' => $sections,
           'categories' => $categories, 'precheck' => $precheck,
           'unknown_tags' => array_keys($GLOBALS['cp_unknown_tags'])]);
