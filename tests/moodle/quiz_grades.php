<?php
// What Moodle stored for one student's attempts at one quiz.
//
//   php quiz_grades.php --cmid=ID --username=u
//
// Answer: attempts (state, sumgrades), the quiz grade, the activity's completion state.

require __DIR__ . '/common.php';
require_once($CFG->libdir . '/completionlib.php');

$options = cp_options(['cmid', 'username']);
$cm = get_coursemodule_from_id('quiz', (int) $options['cmid'], 0, false, MUST_EXIST);
$user = $DB->get_record('user', ['username' => $options['username']], '*', MUST_EXIST);
$attempts = [];
foreach ($DB->get_records('quiz_attempts', ['quiz' => $cm->instance, 'userid' => $user->id], 'attempt') as $attempt) {
    $attempts[] = ['state' => $attempt->state, 'sumgrades' => (float) $attempt->sumgrades];
}
$grade = $DB->get_field('quiz_grades', 'grade', ['quiz' => $cm->instance, 'userid' => $user->id]);
$completion = new completion_info(get_course($cm->course));
$state = $completion->get_data(cm_info::create($cm), false, $user->id)->completionstate;
cp_answer(['attempts' => $attempts, 'grade' => $grade === false ? null : (float) $grade,
           'completionstate' => (int) $state]);
