<?php
// Adds a SCORM package to a new course as the "Add an activity: SCORM package" form does: the zip
// goes to the admin's draft area, scorm_validate_package() checks it (the form's validation), then
// create_module() adds the activity (scorm_add_instance parses the manifest), with the grading
// settings README recommends. With --student, a
// new user with that name and password is enrolled as a student, for a browser test.
//
//   php add_scorm.php --file=pkg.zip --shortname=unique-course --student=name|- --password=pw|-
//
// Answer: validation errors, the activity's ids, version, SCOs, 2004 objectives, 1.2 SCO data.

require __DIR__ . '/common.php';
require_once($CFG->dirroot . '/mod/scorm/lib.php');
require_once($CFG->dirroot . '/mod/scorm/locallib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->libdir . '/enrollib.php');

$options = cp_options(['file', 'shortname', 'student', 'password']);
$course = cp_course($options['shortname']);

$draftid = file_get_unused_draft_itemid();
$file = get_file_storage()->create_file_from_pathname([
    'component' => 'user', 'filearea' => 'draft', 'contextid' => context_user::instance($USER->id)->id,
    'itemid' => $draftid, 'filepath' => '/', 'filename' => basename($options['file']),
], $options['file']);
$errors = scorm_validate_package($file);
if ($errors) {
    cp_answer(['errors' => array_map('strval', $errors)]);
}

$config = get_config('scorm');
$cm = create_module((object) [
    'modulename' => 'scorm', 'course' => $course->id, 'section' => 0, 'visible' => 1,
    'name' => basename($options['file'], '.zip'),
    'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => file_get_unused_draft_itemid()],
    'scormtype' => SCORM_TYPE_LOCAL, 'packagefile' => $draftid, 'packageurl' => '',
    'updatefreq' => SCORM_UPDATE_NEVER, 'popup' => 0, 'width' => $config->framewidth,
    'height' => $config->frameheight, 'skipview' => $config->skipview, 'hidebrowse' => $config->hidebrowse,
    'displaycoursestructure' => $config->displaycoursestructure, 'hidetoc' => $config->hidetoc,
    'nav' => $config->nav, 'navpositionleft' => $config->navpositionleft,
    'navpositiontop' => $config->navpositiontop, 'displayattemptstatus' => $config->displayattemptstatus,
    'timeopen' => 0, 'timeclose' => 0, 'maxattempt' => $config->maxattempt,
    'lastattemptlock' => $config->lastattemptlock,
    // the grading settings README's "Uploading to Moodle" recommends
    'grademethod' => GRADEHIGHEST, 'maxgrade' => 100, 'whatgrade' => HIGHESTATTEMPT,
    'forcenewattempt' => SCORM_FORCEATTEMPT_NO, 'forcecompleted' => 0, 'masteryoverride' => $config->masteryoverride,
    'auto' => $config->auto, 'cmidnumber' => '',
]);
$scorm = $DB->get_record('scorm', ['id' => $cm->instance], '*', MUST_EXIST);

$scoes = [];
foreach ($DB->get_records('scorm_scoes', ['scorm' => $scorm->id], 'sortorder, id') as $sco) {
    $data = $DB->get_records_menu('scorm_scoes_data', ['scoid' => $sco->id], 'name', 'name, value');
    $objectives = [];
    foreach ($DB->get_records('scorm_seq_objective', ['scoid' => $sco->id], 'id') as $objective) {
        $objectives[] = ['id' => $objective->objectiveid, 'primary' => (bool) $objective->primaryobj,
                         'satisfiedbymeasure' => (bool) $objective->satisfiedbymeasure,
                         'minnormalizedmeasure' => (float) $objective->minnormalizedmeasure];
    }
    $scoes[] = ['id' => (int) $sco->id, 'identifier' => $sco->identifier, 'title' => $sco->title,
                'scormtype' => $sco->scormtype, 'launch' => $sco->launch, 'data' => $data,
                'objectives' => $objectives];
}

$student = null;
if ($options['student'] !== '-') {
    $userid = user_create_user((object) [
        'username' => $options['student'], 'password' => $options['password'], 'auth' => 'manual',
        'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id, 'firstname' => 'Siti',
        'lastname' => 'Pelajar', 'email' => $options['student'] . '@example.com',
    ]);
    $role = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);
    if (!enrol_try_internal_enrol($course->id, $userid, $role)) {
        throw new moodle_exception('could not enrol the student');
    }
    $student = (int) $userid;
}

cp_answer(['errors' => [], 'course' => (int) $course->id, 'cmid' => (int) $cm->coursemodule,
           'scorm' => (int) $scorm->id, 'version' => $scorm->version, 'launch' => (int) $scorm->launch,
           'scoes' => $scoes, 'student' => $student]);
