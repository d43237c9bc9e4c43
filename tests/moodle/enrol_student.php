<?php
// Creates a student account and enrols it in a course through the course's manual enrolment
// (the instance Moodle adds to a restored course), as a teacher does on the Participants page.
//
//   php enrol_student.php --course=ID --username=u --password=p
//
// Answer: the user id.

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/enrollib.php');

$options = cp_options(['course', 'username', 'password']);
$userid = user_create_user((object) [
    'username' => $options['username'], 'password' => $options['password'], 'firstname' => 'Siswa',
    'lastname' => 'Uji', 'email' => $options['username'] . '@example.org', 'auth' => 'manual',
    'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id,
]);
$instance = null;
foreach (enrol_get_instances((int) $options['course'], true) as $candidate) {
    if ($candidate->enrol === 'manual') {
        $instance = $candidate;
    }
}
if (!$instance) {
    throw new moodle_exception('the restored course has no manual enrolment');
}
$student = $DB->get_record('role', ['shortname' => 'student'], '*', MUST_EXIST);
enrol_get_plugin('manual')->enrol_user($instance, $userid, $student->id);
cp_answer(['user' => (int) $userid]);
