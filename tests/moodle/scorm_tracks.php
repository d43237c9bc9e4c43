<?php
// What Moodle stored for one learner in one SCORM activity: every attempt's runtime data per SCO
// (scorm_attempt, scorm_scoes_value, scorm_element), as the SCO's SetValue calls left it.
//
//   php scorm_tracks.php --scorm=ID --user=ID
//
// Answer: attempts: [{attempt, scoes: {sco identifier: {element: value}}}], grade (gradebook).

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/mod/scorm/locallib.php');
require_once($CFG->libdir . '/gradelib.php');

$options = cp_options(['scorm', 'user']);
$attempts = [];
foreach ($DB->get_records('scorm_attempt', ['scormid' => $options['scorm'], 'userid' => $options['user']],
        'attempt') as $attempt) {
    $scoes = [];
    $rows = $DB->get_records_sql(
        "SELECT v.id, s.identifier, e.element, v.value
           FROM {scorm_scoes_value} v
           JOIN {scorm_element} e ON e.id = v.elementid
           JOIN {scorm_scoes} s ON s.id = v.scoid
          WHERE v.attemptid = ?
       ORDER BY v.id", [$attempt->id]);
    foreach ($rows as $row) {
        $scoes[$row->identifier][$row->element] = $row->value;
    }
    $attempts[] = ['attempt' => (int) $attempt->attempt, 'scoes' => $scoes];
}
$scorm = $DB->get_record('scorm', ['id' => $options['scorm']], '*', MUST_EXIST);
$grades = grade_get_grades($scorm->course, 'mod', 'scorm', $scorm->id, $options['user']);
$grade = $grades->items[0]->grades[$options['user']]->grade ?? null;
cp_answer(['attempts' => $attempts, 'grade' => $grade === null ? null : (float) $grade]);
