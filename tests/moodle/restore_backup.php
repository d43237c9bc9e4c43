<?php
// Restores a course backup (.mbz) as a new course with Moodle's own restore code, as the restore
// page and admin/cli/restore_backup.php do (restore_controller, backup::TARGET_NEW_COURSE:
// precheck, then the plan), then reads back from the database what the restore made.
//
//   php restore_backup.php --file=course.mbz --category=default
//
// Answer: the precheck results; the course (names, summary, lang, format, start date,
// completion); its sections in order with their modules (type, name, completion rule; a page's
// content and stored files, a book's chapters, a quiz's grade, pass grade and slots, each
// question graded with its correct response by the question engine; glossary entries; a SCORM's
// settings, SCOs, package and content files, grade item); course
// completion criteria; the question categories of the course with their questions by qtype.

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/question/engine/lib.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->libdir . '/completionlib.php');

$options = cp_options(['file']);
// Developer debugging sends every restore log line to the PHP error log (stderr here); keep
// warnings and errors there, so that the test still fails on them.
$CFG->backup_error_log_logger_level = backup::LOG_WARNING;

$folder = restore_controller::get_tempdir_name(SITEID, $USER->id);
$path = make_backup_temp_directory($folder);
if (!get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($options['file'], $path)) {
    throw new moodle_exception('could not unpack the backup');
}
$categoryid = \core_course_category::get_default()->id;
// as admin/cli/restore_backup.php does: a placeholder name, which the restore replaces with the backup's
[$fullname, $shortname] = restore_dbops::calculate_course_names(0, get_string('restoringcourse', 'backup'),
    get_string('restoringcourseshortname', 'backup'));
$courseid = restore_dbops::create_new_course($fullname, $shortname, $categoryid);
$controller = new restore_controller($folder, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
    $USER->id, backup::TARGET_NEW_COURSE);
$ok = $controller->execute_precheck();
$precheck = $controller->get_precheck_results();
if (!$ok && !empty($precheck['errors'])) {
    cp_answer(['restored' => false, 'precheck' => $precheck]);
}
$controller->execute_plan();
$controller->destroy();

$course = get_course($courseid);
$modinfo = get_fast_modinfo($courseid);
$fs = get_file_storage();
$usercontext = context_user::instance($USER->id);

/** Files of one file area: path => [size, mimetype]. */
function cp_files(int $contextid, string $component, string $area, $itemid = false): array {
    $files = [];
    foreach (get_file_storage()->get_area_files($contextid, $component, $area, $itemid, 'filepath, filename', false) as $f) {
        $files[$f->get_filepath() . $f->get_filename()] = ['size' => (int) $f->get_filesize(), 'mimetype' => $f->get_mimetype(),
            'item' => (int) $f->get_itemid()];
    }
    return $files;
}

/** Answers a question with its correct response through the question engine. */
function cp_grade(int $questionid, stdClass $usercontext): array {
    $quba = question_engine::make_questions_usage_by_activity('core_question_preview', $usercontext);
    $quba->set_preferred_behaviour('deferredfeedback');
    $question = question_bank::load_question($questionid);
    $slot = $quba->add_question($question, 1);
    $quba->start_question($slot);
    $quba->render_question($slot, new question_display_options());
    $response = $quba->get_correct_response($slot);
    if ($response === null && $question->get_type_name() === 'essay') {
        $response = ['answer' => 'Jawaban esai.', 'answerformat' => FORMAT_HTML];   // graded by a teacher
    }
    $quba->process_action($slot, $response ?? []);
    $quba->finish_all_questions();
    return ['state' => (string) $quba->get_question_state($slot), 'fraction' => (float) $quba->get_question_fraction($slot)];
}

$sections = [];
foreach ($modinfo->get_section_info_all() as $section) {
    $modules = [];
    foreach ($modinfo->sections[$section->section] ?? [] as $cmid) {
        $cm = $modinfo->get_cm($cmid);
        $context = context_module::instance($cm->id);
        $module = ['type' => $cm->modname, 'name' => $cm->name, 'cmid' => (int) $cm->id,
                   'completion' => (int) $cm->completion, 'completionview' => (int) $cm->completionview,
                   'completionpassgrade' => (int) $cm->completionpassgrade,
                   'completiongradeitemnumber' => $cm->completiongradeitemnumber];
        if ($cm->modname === 'page') {
            $page = $DB->get_record('page', ['id' => $cm->instance], '*', MUST_EXIST);
            $module['content'] = $page->content;
            $module['files'] = cp_files($context->id, 'mod_page', 'content', 0);
        } else if ($cm->modname === 'book') {
            $module['chapters'] = [];
            foreach ($DB->get_records('book_chapters', ['bookid' => $cm->instance], 'pagenum') as $chapter) {
                $module['chapters'][] = ['id' => (int) $chapter->id, 'title' => $chapter->title, 'content' => $chapter->content,
                    'files' => cp_files($context->id, 'mod_book', 'chapter', $chapter->id)];
            }
        } else if ($cm->modname === 'glossary') {
            $module['entries'] = [];
            foreach ($DB->get_records('glossary_entries', ['glossaryid' => $cm->instance], 'id') as $entry) {
                $module['entries'][] = ['concept' => $entry->concept, 'definition' => $entry->definition,
                                        'approved' => (int) $entry->approved];
            }
        } else if ($cm->modname === 'scorm') {
            $scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);
            $item = grade_item::fetch(['courseid' => $courseid, 'itemtype' => 'mod', 'itemmodule' => 'scorm',
                                       'iteminstance' => $scorm->id, 'itemnumber' => 0]);
            $module['scorm'] = ['id' => (int) $scorm->id, 'version' => $scorm->version, 'reference' => $scorm->reference,
                'sha1hash' => $scorm->sha1hash, 'maxgrade' => (float) $scorm->maxgrade,
                'grademethod' => (int) $scorm->grademethod, 'whatgrade' => (int) $scorm->whatgrade,
                'hidetoc' => (int) $scorm->hidetoc, 'auto' => (int) $scorm->auto,
                'completionstatusrequired' => $scorm->completionstatusrequired === null ? null
                    : (int) $scorm->completionstatusrequired,
                'completionstatusallscos' => (int) $scorm->completionstatusallscos,
                'launch' => $scorm->launch ? $DB->get_field('scorm_scoes', 'identifier', ['id' => $scorm->launch]) : null];
            $module['scoes'] = [];
            foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder, id') as $sco) {
                $module['scoes'][] = ['id' => (int) $sco->id, 'identifier' => $sco->identifier, 'title' => $sco->title,
                    'scormtype' => $sco->scormtype, 'launch' => $sco->launch, 'parent' => $sco->parent,
                    'organization' => $sco->organization,
                    'data' => $DB->get_records_menu('scorm_scoes_data', ['scoid' => $sco->id], 'name', 'name, value')];
            }
            $package = [];
            foreach ($fs->get_area_files($context->id, 'mod_scorm', 'package', 0, 'filename', false) as $f) {
                $package[$f->get_filename()] = $f->get_contenthash();
            }
            $module['package'] = $package;
            $module['content'] = [];
            foreach ($fs->get_area_files($context->id, 'mod_scorm', 'content', 0, 'filepath, filename', false) as $f) {
                $module['content'][ltrim($f->get_filepath() . $f->get_filename(), '/')] = $f->get_contenthash();
            }
            $module['gradepass'] = $item ? (float) $item->gradepass : null;
            $module['grademax'] = $item ? (float) $item->grademax : null;
            $module['weightoverride'] = $item ? (int) $item->weightoverride : null;
            $module['aggregationcoef2'] = $item ? (float) $item->aggregationcoef2 : null;
        } else if ($cm->modname === 'quiz') {
            $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
            $item = grade_item::fetch(['courseid' => $courseid, 'itemtype' => 'mod', 'itemmodule' => 'quiz',
                                       'iteminstance' => $quiz->id, 'itemnumber' => 0]);
            $module['grade'] = (float) $quiz->grade;
            $module['sumgrades'] = (float) $quiz->sumgrades;
            $module['gradepass'] = $item ? (float) $item->gradepass : null;
            $module['grademax'] = $item ? (float) $item->grademax : null;
            $module['completionminattempts'] = (int) $quiz->completionminattempts;
            $module['shufflequestions'] = (int) $DB->get_field('quiz_sections', 'shufflequestions', ['quizid' => $quiz->id, 'firstslot' => 1]);
            $module['slots'] = [];
            foreach (cp_quiz_questions((int) $quiz->id) as $row) {
                $files = [];
                foreach ($DB->get_records_select('files', "contextid = ? AND filename <> '.' AND (component = 'question' OR component LIKE 'qtype\\_%')",
                        [$row->contextid]) as $file) {
                    $files[] = $file;
                }
                $module['slots'][] = ['slot' => (int) $row->slot, 'maxmark' => (float) $row->maxmark, 'qtype' => $row->qtype,
                    'name' => $row->name, 'idnumber' => $row->idnumber, 'category' => $row->category,
                    'graded' => cp_grade((int) $row->id, $usercontext)];
            }
        }
        $modules[] = $module;
    }
    $sections[] = ['number' => (int) $section->section, 'name' => (string) $section->name,
                   'summary' => (string) $section->summary, 'files' => cp_files(context_course::instance($courseid)->id,
                   'course', 'section', $section->id), 'modules' => $modules];
}

$criteria = [];
foreach ($DB->get_records('course_completion_criteria', ['course' => $courseid], 'id') as $criterion) {
    $criteria[] = ['type' => (int) $criterion->criteriatype, 'module' => $criterion->module,
                   'cmid' => (int) $criterion->moduleinstance];
}
$coursecontext = context_course::instance($courseid);
$categories = cp_question_counts($coursecontext->id);
$questionfiles = [];
foreach ($DB->get_records_select('files', "contextid = ? AND filename <> '.' AND (component = 'question' OR component LIKE 'qtype\\_%')",
        [$coursecontext->id], 'id') as $file) {
    $questionfiles[] = ['component' => $file->component, 'filearea' => $file->filearea, 'filename' => $file->filename,
                        'filesize' => (int) $file->filesize];
}
$categorynames = [];
foreach ($DB->get_records('question_categories', ['contextid' => $coursecontext->id], 'id') as $category) {
    $parent = $category->parent ? $DB->get_field('question_categories', 'name', ['id' => $category->parent]) : '';
    $categorynames[] = ['name' => $category->name, 'parent' => $parent, 'idnumber' => $category->idnumber];
}

cp_answer(['restored' => true, 'precheck' => $precheck, 'course' => [
        'id' => (int) $course->id, 'fullname' => $course->fullname, 'shortname' => $course->shortname,
        'summary' => $course->summary, 'lang' => $course->lang, 'format' => $course->format,
        'startdate' => (int) $course->startdate, 'enablecompletion' => (int) $course->enablecompletion],
    'sections' => $sections, 'criteria' => $criteria, 'categories' => $categories,
    'category_tree' => $categorynames, 'question_files' => $questionfiles,
    'wwwroot' => $CFG->wwwroot]);
