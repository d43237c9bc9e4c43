<?php
// Shared start of coursepack's Moodle CLI test scripts (tests/moodle/*.php).
//
// Loads Moodle from $MOODLE_DIR (see ../shared/moodle/start.sh), acts as the site admin, keeps
// every PHP notice, warning and deprecation it sees, and answers with one JSON line on stdout:
//   @@coursepack-json@@{...}
// The pytest side (tests/moodle_site.py) fails on anything else printed to stdout or stderr.

define('CLI_SCRIPT', true);

$moodledir = getenv('MOODLE_DIR');
if (!$moodledir || !is_file($moodledir . '/config.php')) {
    fwrite(STDERR, "MOODLE_DIR does not name an installed Moodle\n");
    exit(2);
}
require $moodledir . '/config.php';
require_once($CFG->libdir . '/clilib.php');

$GLOBALS['cp_notices'] = [];
set_error_handler(function (int $level, string $message, string $file, int $line): bool {
    $GLOBALS['cp_notices'][] = "$message ($file:$line)";
    return false;   // PHP prints it too: the test sees it either way
});

\core\session\manager::set_user(get_admin());

/** The --name=value options this script needs; all are required. */
function cp_options(array $names): array {
    [$options] = cli_get_params(array_fill_keys($names, null));
    foreach ($names as $name) {
        if ($options[$name] === null || $options[$name] === true) {
            fwrite(STDERR, "missing --$name=...\n");
            exit(2);
        }
    }
    return $options;
}

/** A new course in the default category (each test makes its own). */
function cp_course(string $shortname): stdClass {
    global $CFG;
    require_once($CFG->dirroot . '/course/lib.php');
    return create_course((object) [
        'fullname' => "coursepack test $shortname", 'shortname' => $shortname,
        'category' => \core_course_category::get_default()->id, 'enablecompletion' => 1,
    ]);
}

/** How many questions of each type each question category of a context holds:
 *  [category name => [qtype => count]], the bank as the question bank page lists it. */
function cp_question_counts(int $contextid): array {
    global $DB;
    $sql = "SELECT q.id, q.qtype, qc.name AS category
              FROM {question} q
              JOIN {question_versions} v ON v.questionid = q.id
              JOIN {question_bank_entries} e ON e.id = v.questionbankentryid
              JOIN {question_categories} qc ON qc.id = e.questioncategoryid
             WHERE qc.contextid = ? AND q.parent = 0";
    $counts = [];
    foreach ($DB->get_records_sql($sql, [$contextid]) as $question) {
        $counts[$question->category][$question->qtype] = ($counts[$question->category][$question->qtype] ?? 0) + 1;
    }
    return $counts;
}

/** A quiz's questions in slot order, each with its slot and mark, its bank entry's ID number and its
 *  category (name, context): what Moodle's quiz shows, read through the slots' question references. */
function cp_quiz_questions(int $quizid): array {
    global $DB;
    $sql = "SELECT s.slot, s.maxmark, q.id, q.qtype, q.name, q.defaultmark, q.generalfeedback, q.questiontext,
                   e.idnumber, qc.name AS category, qc.contextid
              FROM {quiz_slots} s
              JOIN {question_references} r ON r.itemid = s.id AND r.component = 'mod_quiz'
                   AND r.questionarea = 'slot'
              JOIN {question_bank_entries} e ON e.id = r.questionbankentryid
              JOIN {question_versions} v ON v.questionbankentryid = e.id
              JOIN {question} q ON q.id = v.questionid
              JOIN {question_categories} qc ON qc.id = e.questioncategoryid
             WHERE s.quizid = ?
          ORDER BY s.slot";
    return array_values($DB->get_records_sql($sql, [$quizid]));
}

/** Prints the answer (with the notices PHP raised) and ends the script. */
function cp_answer(array $answer): void {
    $answer['php_notices'] = $GLOBALS['cp_notices'];
    echo '@@coursepack-json@@' . json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_THROW_ON_ERROR) . "\n";
    exit(0);
}
