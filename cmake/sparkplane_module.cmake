# sparkplane_module(NAME <name> SOURCES ... [DEPS ...] [TESTS ...] [ITESTS ...])
# Declares library sparkplane_<name> (alias sparkplane::<name>) rooted at src/, plus one gtest
# binary per tier: <name>_test (unit, label "unit") and <name>_itest (integration, label "integration").
function(sparkplane_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;TESTS;ITESTS;TEST_DEPS" ${ARGN})
  set(lib sparkplane_${M_NAME})
  add_library(${lib} STATIC ${M_SOURCES})
  add_library(sparkplane::${M_NAME} ALIAS ${lib})
  target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${lib} PUBLIC ${M_DEPS})
  if(M_TESTS)
    add_executable(${M_NAME}_test ${M_TESTS})
    target_link_libraries(${M_NAME}_test PRIVATE ${lib} ${M_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${M_NAME}_test PRIVATE
      SPARKPLANE_SHARED_DATA="${SPARKPLANE_SHARED_DATA}" SPARKPLANE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(${M_NAME}_test PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
  endif()
  if(M_ITESTS)
    add_executable(${M_NAME}_itest ${M_ITESTS})
    target_link_libraries(${M_NAME}_itest PRIVATE ${lib} ${M_TEST_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${M_NAME}_itest PRIVATE
      SPARKPLANE_SHARED_DATA="${SPARKPLANE_SHARED_DATA}" SPARKPLANE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      SPARKPLANE_VENV="${SPARKPLANE_VENV}")
    gtest_discover_tests(${M_NAME}_itest PROPERTIES LABELS integration TIMEOUT 600 DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
