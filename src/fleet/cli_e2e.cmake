# Runs `sparkplane fleet` gen-trace and simulate --json --out; fails on a non-zero exit, a missing JSON
# key or a missing output file. Invoked by ctest with -DCLI=... -DWORK=...
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CLI} fleet gen-trace --mix bursty --apps 15 --hours 2 --seed 3
                        --out ${WORK}/trace.csv RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen-trace failed: ${rc}")
endif()
execute_process(COMMAND ${CLI} fleet simulate --trace ${WORK}/trace.csv --policy all --seed 2
                        --json --out ${WORK}/out
                OUTPUT_VARIABLE json RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "simulate failed: ${rc}")
endif()
string(JSON lb GET "${json}" lower_bound_usd)
if(lb LESS_EQUAL 0)
  message(FATAL_ERROR "lower bound not positive: ${lb}")
endif()
foreach(policy sparkplane k8s-default karpenter-like)
  foreach(key cost_usd pending_p50_s pending_p99_s evictions unschedulable)
    string(JSON value ERROR_VARIABLE err GET "${json}" policies ${policy} ${key})
    if(err)
      message(FATAL_ERROR "missing policies.${policy}.${key}: ${err}")
    endif()
  endforeach()
endforeach()
foreach(f timeseries.csv cost.png)
  if(NOT EXISTS ${WORK}/out/${f})
    message(FATAL_ERROR "missing ${f}")
  endif()
endforeach()
# A malformed trace must fail with file:line.
file(WRITE ${WORK}/bad.csv "app_id,role,cores,memory_mib,request_s,duration_s\na,driver,1,1024,0,10\na,pilot,1,1024,0,10\n")
execute_process(COMMAND ${CLI} fleet simulate --trace ${WORK}/bad.csv --policy sparkplane
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc EQUAL 0 OR NOT err MATCHES "bad.csv:3: role must be driver or executor")
  message(FATAL_ERROR "malformed trace not reported: rc=${rc} err=${err}")
endif()
