# sluice_set_warnings(<target>): the warning set every Sluice target builds with.
function(sluice_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wsuggest-override -Wnon-virtual-dtor)
    if(SLUICE_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
