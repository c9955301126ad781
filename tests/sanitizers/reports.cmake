# cmake -DREPORTS=<dir> -DMODE=clear|check -P reports.cmake
# The asan test preset (CMakePresets.json) points log_path of ASan, LSan and UBSan into REPORTS,
# so every instrumented process of the suite writes its reports there: the tests themselves and
# the sluicectl and sluice-sandbox they start, whose stderr a test may read, drop or send to a
# file and whose exit code (23 after a leak) a test may never see. `clear` runs before the tests
# (fixture setup), `check` after them (fixture cleanup): it prints every report and fails.
if(MODE STREQUAL "clear")
  file(REMOVE_RECURSE "${REPORTS}")
  file(MAKE_DIRECTORY "${REPORTS}")
  return()
endif()

file(GLOB reports LIST_DIRECTORIES false "${REPORTS}/*")
if(NOT reports)
  message(STATUS "no sanitizer reports in ${REPORTS}")
  return()
endif()
list(LENGTH reports count)
foreach(report IN LISTS reports)
  file(READ "${report}" text)
  message("==== ${report}\n${text}")
endforeach()
message(FATAL_ERROR "${count} sanitizer report(s) in ${REPORTS} (file names: report.<program>.<pid>)")
