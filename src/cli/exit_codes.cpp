#include "cli/exit_codes.hpp"

namespace sparkplane::cli {

ErrorCode ErrorCodeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 413:
      return ErrorCode::kPayloadTooLarge;
    case 503:
      return ErrorCode::kUnavailable;
    default:
      return status < 500 ? ErrorCode::kInvalidArgument : ErrorCode::kInternal;
  }
}

int ExitCodeFor(ErrorCode code) {
  ExitCode exit = ExitCode::kFailure;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      exit = ExitCode::kUsage;
      break;
    case ErrorCode::kNotFound:
      exit = ExitCode::kNotFound;
      break;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
      exit = ExitCode::kUnauthenticated;
      break;
    case ErrorCode::kAlreadyExists:
      exit = ExitCode::kConflict;
      break;
    case ErrorCode::kPayloadTooLarge:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnavailable:
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      exit = ExitCode::kFailure;
      break;
  }
  return static_cast<int>(exit);
}

}  // namespace sparkplane::cli
