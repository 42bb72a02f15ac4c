// profile-cli: a command-line client of the profile service, on ProfileClient.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/audit_client.h"
#include "client/audit_format.h"
#include "client/change_client.h"
#include "client/error_details.h"
#include "client/health_check.h"
#include "client/import_report.h"
#include "client/interaction_client.h"
#include "client/interaction_importer.h"
#include "client/json_messages.h"
#include "client/method_call.h"
#include "client/options.h"
#include "client/profile_client.h"
#include "client/profile_importer.h"
#include "client/profile_stub_connection.h"
#include "client/request_id.h"
#include "client/suppression_importer.h"
#include "client/timeline_format.h"

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, endpoint, EnvOr("PROFILE_CLI_ENDPOINT", "127.0.0.1:50051"),
          "Server address HOST:PORT (env PROFILE_CLI_ENDPOINT).");
ABSL_FLAG(std::string, token, EnvOr("PROFILE_CLI_TOKEN", ""),
          "Bearer token sent as 'authorization: Bearer TOKEN' (env PROFILE_CLI_TOKEN).");
ABSL_FLAG(std::string, actor, EnvOr("PROFILE_CLI_ACTOR", ""),
          "Who acts, sent as the x-actor header (env PROFILE_CLI_ACTOR).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "Deadline of the call, retries included, e.g. 5s.");
ABSL_FLAG(int, max_attempts, 5, "Attempts per call; only UNAVAILABLE is retried.");
ABSL_FLAG(std::string, json, "",
          "The request as JSON (CreateProfileRequest, UpdateProfileRequest, ...): inline, "
          "@FILE, or - for stdin. Flags given as well override its fields.");
ABSL_FLAG(std::optional<std::string>, given_name, std::nullopt, "create/update: the given name.");
ABSL_FLAG(std::optional<std::string>, family_name, std::nullopt, "create/update: the family name.");
ABSL_FLAG(std::optional<std::string>, display_name, std::nullopt,
          "create/update: the display name.");
ABSL_FLAG(std::optional<std::vector<std::string>>, email, std::nullopt,
          "create/update: email addresses, comma-separated; lookup: one address.");
ABSL_FLAG(std::optional<std::vector<std::string>>, phone, std::nullopt,
          "create/update: phone numbers, comma-separated; lookup: one number.");
ABSL_FLAG(std::optional<std::string>, region_code, std::nullopt,
          "create/update: home region, e.g. NO; lookup: the region of a national number.");
ABSL_FLAG(std::optional<std::string>, language_code, std::nullopt,
          "create/update: preferred language, e.g. nb-NO.");
ABSL_FLAG(std::optional<std::vector<std::string>>, tags, std::nullopt,
          "create/update: tags, comma-separated.");
ABSL_FLAG(std::optional<std::string>, profile_id, std::nullopt,
          "create: the id of the new profile.");
ABSL_FLAG(std::optional<std::string>, request_id, std::nullopt,
          "create: idempotency key; a replay returns the first result (generated if empty).");
ABSL_FLAG(std::optional<std::string>, etag, std::nullopt,
          "update/delete/undelete: only if the profile still has it.");
ABSL_FLAG(std::optional<std::vector<std::string>>, update_mask, std::nullopt,
          "update: fields to change, comma-separated; default: the profile flags given.");
ABSL_FLAG(std::optional<std::string>, filter, std::nullopt,
          "list: AIP-160 filter, e.g. 'region_code = \"NO\"'.");
ABSL_FLAG(std::optional<std::string>, order_by, std::nullopt,
          "list: create_time, update_time or display_name [desc].");
ABSL_FLAG(std::optional<int>, page_size, std::nullopt,
          "list: profiles per page (0 = server default).");
ABSL_FLAG(std::optional<std::string>, page_token, std::nullopt,
          "list: next_page_token of the previous page.");
ABSL_FLAG(std::optional<bool>, show_deleted, std::nullopt, "list: include soft-deleted profiles.");
ABSL_FLAG(std::optional<std::string>, external_id, std::nullopt,
          "lookup: the external id to look up, SYSTEM:ID.");
ABSL_FLAG(std::optional<std::vector<std::string>>, choose, std::nullopt,
          "merge: FIELD=PROFILE,... the profile whose value of a single-valued field (or "
          "attributes.KEY) the survivor takes.");
ABSL_FLAG(std::string, mode, "replace",
          "import-register: replace (the file becomes the whole list) or append.");
ABSL_FLAG(int, chunk, 10000, "import-register: lines per stream message.");
ABSL_FLAG(int, batch, 500,
          "import-interactions: lines per BatchRecordInteractions call (1-1000); "
          "import-profiles: lines read before their calls are made (1-1000).");
ABSL_FLAG(std::string, from, "",
          "watch: the resume token to go on from (printed by an earlier watch on exit); "
          "empty: from now.");
ABSL_FLAG(std::optional<std::vector<std::string>>, types, std::nullopt,
          "watch: only these resource types: profile, consent, purpose, suppression_list, "
          "interaction, merge.");
ABSL_FLAG(int, max_changes, 0,
          "watch and server streams (watch-changes): stop after this many messages (0: until "
          "interrupted or the stream ends).");
ABSL_FLAG(std::string, output, "",
          "How results are printed: json (JSON, as the API's JSON mapping) or text (protobuf "
          "text format; for timeline and audit a line per entry). Default: json, but text for "
          "timeline and audit.");

namespace {

namespace v1 = ::customerprofile::v1;
using cp::client::ProfileClient;

constexpr int kUsageError = 64;  // EX_USAGE

// IsNamedCommand tells the commands with flags of their own from the RPCs
// run by their command names (see `methods`).
bool IsNamedCommand(absl::string_view command) {
  static const auto* const kNamed = new absl::flat_hash_set<std::string>{"create",
                                                                         "get",
                                                                         "update",
                                                                         "delete",
                                                                         "undelete",
                                                                         "list",
                                                                         "lookup",
                                                                         "duplicates",
                                                                         "merge",
                                                                         "unmerge",
                                                                         "merges",
                                                                         "timeline",
                                                                         "insights",
                                                                         "record-interaction",
                                                                         "import-interactions",
                                                                         "watch",
                                                                         "health",
                                                                         "audit",
                                                                         "import-profiles",
                                                                         "export-profiles",
                                                                         "import-register",
                                                                         "methods",
                                                                         "call"};
  return kNamed->contains(command);
}

constexpr char kUsage[] = R"(a command-line client of the customer profile service.

Usage: profile-cli [flags] COMMAND [NAME]

Commands:
  create           create a profile from --json and/or the profile flags
  get NAME         print a profile
  update NAME      change a profile (--update_mask, default: the flags given)
  delete NAME      soft-delete a profile (--etag makes it conditional)
  undelete NAME    bring back a soft-deleted profile
  list             list profiles (--filter, --order_by, --page_size, ...)
  lookup           print the live profiles holding one --email, --phone
                   (national numbers read in --region_code) or
                   --external-id=SYSTEM:ID, newest update first
  duplicates NAME  print the profiles that look like the same person as NAME,
                   best first, with the rules that matched (--page_size, ...)
  merge SURVIVOR PROFILE...
                   merge 1 to 10 profiles into SURVIVOR in one transaction;
                   PROFILE may be ID@ETAG, --etag is the survivor's,
                   --choose=given_name=ID picks whose single value wins
  unmerge MERGE    undo one merge, "profiles/ID/merges/MERGE" (--etag: the
                   survivor's); prints what stayed on the survivor
  merges NAME      list the merges into NAME, newest first
  timeline NAME    print NAME's interactions, newest first, one line each
                   (--page_size, default 50; --page_token for the next page)
  insights NAME    print what NAME's timeline says (value, satisfaction, ...)
  record-interaction NAME
                   record the interaction in --json (an Interaction) on NAME
  import-interactions FILE
                   record the interactions of a JSON Lines file (one
                   RecordInteractionRequest a line, - for stdin) in batches
                   (--batch); a terminal sees lines done, rate and ETA; prints
                   a summary naming every failed line, exit code 65 when any
                   failed
  watch [NAME]     print the change feed as JSON lines (one Change each),
                   from --from=TOKEN or now, only --types=... and, with
                   NAME, only that customer's changes; resumes by itself
                   after a server restart; on exit (Ctrl-C, --max_changes)
                   prints "resume: --from=TOKEN" on stderr
  health [SERVICE] print the server's health (grpc.health.v1), or one
                   service's; exit code 0 only when SERVING, 1 when it
                   answers anything else, the gRPC code when it does not
                   answer (14 when nothing listens)
  audit NAME       print who changed what of NAME, newest first, with old
                   and new values (--filter, --page_size, --page_token)
  import-profiles FILE
                   create the profiles of a JSON Lines file (- for stdin): a
                   CreateProfileRequest or an exported Profile a line, --batch
                   lines at a time, 8 calls in flight; a rerun answers the
                   lines already imported as replays; a terminal sees lines
                   done, rate and ETA; prints a summary naming every failed
                   line, exit code 65 when any failed
  export-profiles  print every profile (--filter, --show_deleted) as JSON
                   lines on stdout, page by page; a terminal sees a count on
                   stderr
  import-register LIST FILE
                   stream a do-not-contact register's plain file (one number,
                   address or domain a line; - for stdin) into the
                   suppression list LIST (--mode=replace|append); the list
                   changes at once when the whole file is in

  methods          list every RPC of every service with its command name
  COMMAND-NAME [NAME] --json=REQUEST
                   run any RPC by its command name from `methods` (e.g.
                   record-consent, check-consent, get-purpose,
                   list-consent-events, create-suppression-list,
                   list-changes): the request as JSON in --json (a client
                   stream such as import-suppression-entries: one JSON
                   object per message), NAME (a full resource name) into the
                   request's name, parent or profile field; a write gets a
                   request_id (--request_id) unless --json has one; a server
                   stream (watch-changes) prints a line per message
  call METHOD [NAME] --json=REQUEST
                   the same, with METHOD as Service/Method or a full name

NAME is "profiles/ID" or just ID for the profile commands. Results go to
stdout as JSON, or with --output=text in protobuf text format (timeline and
audit print a line per entry unless --output=json).

Exit codes: 0 success; on an error the status and its details
(google.rpc.Status as JSON: field violations, error info, retry info) go to
stderr and the exit code is the gRPC status code: 1 CANCELLED, 2 UNKNOWN,
3 INVALID_ARGUMENT, 4 DEADLINE_EXCEEDED, 5 NOT_FOUND, 6 ALREADY_EXISTS,
7 PERMISSION_DENIED, 8 RESOURCE_EXHAUSTED, 9 FAILED_PRECONDITION, 10 ABORTED,
11 OUT_OF_RANGE, 12 UNIMPLEMENTED, 13 INTERNAL, 14 UNAVAILABLE, 15 DATA_LOSS,
16 UNAUTHENTICATED; 64 a usage error; 65 an import with failed lines;
health: 1 when the server answers anything but SERVING.

Examples:
  profile-cli create --given_name=Ada --email=ada@example.com --region_code=NO
  profile-cli update ada --display_name="Ada L." --etag=ETAG
  profile-cli create --json='{"profile": {"givenName": "Ada"}, "profileId": "ada"}'
  profile-cli list --filter='tags:"vip"' --page_size=10
  profile-cli lookup --phone="912 34 567" --region_code=NO
  profile-cli duplicates ada
  profile-cli merge ada ada-billing@ETAG --choose=given_name=ada-billing
  profile-cli unmerge profiles/ada/merges/MERGE
  profile-cli import-interactions orders.jsonl --batch=1000
  profile-cli import-register reservasjon reservasjonsregisteret.txt --timeout=10m
  profile-cli watch --types=profile,consent --from=TOKEN
  profile-cli audit ada --filter='kind = UPDATED'
  profile-cli check-consent --json='{"profile": "profiles/ada",
      "purpose": "purposes/newsletter", "channel": "CHANNEL_SMS"}'
  profile-cli list-consent-events profiles/ada --output=text
  profile-cli get-purpose purposes/newsletter)";

std::string ProfileName(absl::string_view name) {
  return absl::StrContains(name, '/') ? std::string(name) : absl::StrCat("profiles/", name);
}

// ReadJson returns the --json text: inline, @FILE or - (stdin).
absl::StatusOr<std::string> ReadJson() {
  const std::string json = absl::GetFlag(FLAGS_json);
  if (json == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (absl::StartsWith(json, "@")) {
    std::ifstream file(json.substr(1));
    if (!file) return absl::InvalidArgumentError(absl::StrCat("cannot read ", json.substr(1)));
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  return json;
}

// ParseRequest fills `request` from --json, when given.
absl::Status ParseRequest(google::protobuf::Message* request) {
  if (absl::GetFlag(FLAGS_json).empty()) return absl::OkStatus();
  absl::StatusOr<std::string> json = ReadJson();
  if (!json.ok()) return json.status();
  auto status = google::protobuf::util::JsonStringToMessage(*json, request);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--json is not a ", request->GetDescriptor()->name(), ": ", std::string(status.message())));
  }
  return absl::OkStatus();
}

// ApplyProfileFlags copies the profile flags given into `profile` and
// returns their field names, for a default update mask.
std::vector<std::string> ApplyProfileFlags(v1::Profile* profile) {
  std::vector<std::string> paths;
  auto set_string = [&](const char* field, const std::optional<std::string>& value,
                        void (v1::Profile::*setter)(const std::string&)) {
    if (!value) return;
    (profile->*setter)(*value);
    paths.emplace_back(field);
  };
  set_string("given_name", absl::GetFlag(FLAGS_given_name), &v1::Profile::set_given_name);
  set_string("family_name", absl::GetFlag(FLAGS_family_name), &v1::Profile::set_family_name);
  set_string("display_name", absl::GetFlag(FLAGS_display_name), &v1::Profile::set_display_name);
  set_string("region_code", absl::GetFlag(FLAGS_region_code), &v1::Profile::set_region_code);
  set_string("language_code", absl::GetFlag(FLAGS_language_code), &v1::Profile::set_language_code);
  if (auto emails = absl::GetFlag(FLAGS_email)) {
    profile->clear_emails();
    for (const std::string& address : *emails) profile->add_emails()->set_address(address);
    paths.emplace_back("emails");
  }
  if (auto phones = absl::GetFlag(FLAGS_phone)) {
    profile->clear_phones();
    for (const std::string& number : *phones) profile->add_phones()->set_number(number);
    paths.emplace_back("phones");
  }
  if (auto tags = absl::GetFlag(FLAGS_tags)) {
    profile->clear_tags();
    for (const std::string& tag : *tags) profile->add_tags(tag);
    paths.emplace_back("tags");
  }
  return paths;
}

// RequireName returns the NAME argument of a command.
absl::StatusOr<std::string> RequireName(const std::vector<std::string>& args,
                                        const std::string& from_json) {
  if (args.size() > 1) return absl::InvalidArgumentError("too many arguments");
  if (args.size() == 1) return ProfileName(args[0]);
  if (!from_json.empty()) return from_json;
  return absl::InvalidArgumentError("NAME is required");
}

// Outcome is what a command produced: a usage error, or the call's result
// as JSON (or the call's error).
struct Outcome {
  std::string usage_error;
  absl::StatusOr<std::string> json = std::string();
};

// TextOutput tells whether --output=text was asked for; `text_default` is
// the command's own default.
bool TextOutput(bool text_default = false) {
  const std::string output = absl::GetFlag(FLAGS_output);
  return output.empty() ? text_default : output == "text";
}

// Render prints `message` per --output: indented JSON or text format, or,
// with `one_line`, one line of either (a stream's messages).
absl::StatusOr<std::string> Render(const google::protobuf::Message& message, bool one_line) {
  std::string out;
  if (TextOutput()) {
    google::protobuf::TextFormat::Printer printer;
    printer.SetSingleLineMode(one_line);
    printer.SetUseUtf8StringEscaping(true);
    if (!printer.PrintToString(message, &out)) return absl::InternalError("text format failed");
    if (one_line) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.push_back('\n');
    }
    return out;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !one_line;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  if (one_line) out.push_back('\n');
  return out;
}

template <class T>
Outcome Printed(const absl::StatusOr<T>& result) {
  if (!result.ok()) return {"", result.status()};
  return {"", Render(*result, /*one_line=*/false)};
}

Outcome Usage(const absl::Status& status) { return {std::string(status.message())}; }

// TimelineCommand runs `timeline NAME`, `insights NAME` and
// `record-interaction NAME`.
Outcome TimelineCommand(const cp::client::Options& connection, const std::string& command,
                        const std::vector<std::string>& args) {
  absl::StatusOr<std::string> name = RequireName(args, "");
  if (!name.ok()) return Usage(name.status());
  cp::client::InteractionClient timeline(connection);
  if (command == "insights") return Printed(timeline.GetProfileInsights(*name));
  if (command == "record-interaction") {
    v1::Interaction interaction;
    if (auto status = ParseRequest(&interaction); !status.ok()) return Usage(status);
    return Printed(timeline.RecordInteraction(*name, interaction));
  }
  auto page = timeline.ListInteractions(*name, absl::GetFlag(FLAGS_page_size).value_or(0),
                                        absl::GetFlag(FLAGS_page_token).value_or(""));
  if (!page.ok() || !TextOutput(/*text_default=*/true)) return Printed(page);
  std::string text;
  for (const v1::Interaction& interaction : page->interactions()) {
    absl::StrAppend(&text, cp::client::TimelineLine(interaction), "\n");
  }
  if (page->interactions().empty()) text = "(no interactions)\n";
  if (!page->next_page_token().empty()) {
    absl::StrAppend(&text, "more: --page_token=", page->next_page_token(), "\n");
  }
  return {"", text};
}

// ImportRegisterCommand runs `import-register LIST FILE`.
Outcome ImportRegisterCommand(const cp::client::Options& connection,
                              const std::vector<std::string>& args) {
  if (args.size() != 2) return Usage(absl::InvalidArgumentError("import-register needs LIST FILE"));
  cp::client::ImportRegisterOptions options;
  options.list = args[0];
  options.chunk = absl::GetFlag(FLAGS_chunk);
  std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "replace") {
    options.mode = v1::IMPORT_MODE_REPLACE;
  } else if (mode == "append") {
    options.mode = v1::IMPORT_MODE_APPEND;
  } else {
    return Usage(absl::InvalidArgumentError("--mode must be replace or append"));
  }
  std::ifstream file;
  int64_t total_bytes = 0;
  if (args[1] != "-") {
    file.open(args[1]);
    if (!file) return Usage(absl::InvalidArgumentError(absl::StrCat("cannot open ", args[1])));
    std::error_code error;
    total_bytes = static_cast<int64_t>(std::filesystem::file_size(args[1], error));
    if (error) total_bytes = 0;
  }
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (terminal) {
    options.progress = [total_bytes](const cp::client::ImportProgress& done) {
      std::cerr << "\r\033[K" << cp::client::ProgressLine(done, total_bytes) << std::flush;
    };
  }
  auto imported = cp::client::ImportRegister(connection, options, args[1] == "-" ? std::cin : file);
  if (terminal) std::cerr << "\n";
  return Printed(imported);
}

constexpr int kDataError = 65;  // EX_DATAERR

void PrintError(const absl::Status& status);

// LineImport runs one JSON Lines import over `file`, `batch` lines at a
// time, reporting to `progress` (empty when stderr is no terminal).
using LineImport = absl::FunctionRef<cp::client::ImportSummary(
    std::istream& file, int batch,
    std::function<void(const cp::client::ImportProgress&)> progress)>;

// ImportCommand runs `COMMAND FILE` with `import` and returns the exit code:
// 0, kDataError when a line failed, the gRPC code of a failure that stopped
// the import, kUsageError for bad arguments. FILE "-" is stdin; a terminal
// sees a progress line; the summary goes to stdout as JSON.
int ImportCommand(absl::string_view command, const std::vector<std::string>& args,
                  LineImport import) {
  const int batch = absl::GetFlag(FLAGS_batch);
  if (args.size() != 1 || batch < 1 || batch > 1000) {
    std::cerr << "profile-cli: " << command << " needs FILE and 1 <= --batch <= 1000; see --help\n";
    return kUsageError;
  }
  std::ifstream file;
  int64_t total_bytes = 0;
  if (args[0] != "-") {
    file.open(args[0]);
    if (!file) {
      std::cerr << "profile-cli: cannot open " << args[0] << "; see --help\n";
      return kUsageError;
    }
    std::error_code error;
    total_bytes = static_cast<int64_t>(std::filesystem::file_size(args[0], error));
    if (error) total_bytes = 0;
  }
  std::function<void(const cp::client::ImportProgress&)> progress;
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (terminal) {
    progress = [total_bytes](const cp::client::ImportProgress& done) {
      std::cerr << "\r\033[K" << cp::client::ProgressLine(done, total_bytes) << std::flush;
    };
  }
  cp::client::ImportSummary summary = import(args[0] == "-" ? std::cin : file, batch, progress);
  if (terminal) std::cerr << "\n";
  std::cout << cp::client::SummaryJson(summary) << "\n";
  if (!summary.stopped.ok()) {
    PrintError(summary.stopped);
    return static_cast<int>(summary.stopped.code());
  }
  return summary.failures.empty() ? 0 : kDataError;
}

// ImportInteractionsCommand runs `import-interactions FILE`.
int ImportInteractionsCommand(const cp::client::Options& connection,
                              const std::vector<std::string>& args) {
  cp::client::InteractionClient client(connection);
  return ImportCommand("import-interactions", args,
                       [&](std::istream& file, int batch,
                           std::function<void(const cp::client::ImportProgress&)> progress) {
                         cp::client::ImportInteractionsOptions options;
                         options.batch = batch;
                         options.progress = std::move(progress);
                         return cp::client::ImportInteractions(client, file, options);
                       });
}

// WatchCommand runs `watch [NAME]` until SIGINT/SIGTERM, --max_changes or a
// failure that resuming cannot get past; returns the exit code.
int WatchCommand(const cp::client::Options& connection, const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << "profile-cli: watch takes at most one NAME; see --help\n";
    return kUsageError;
  }
  v1::WatchChangesRequest request;
  request.set_resume_token(absl::GetFlag(FLAGS_from));
  if (args.size() == 1) request.set_profile(ProfileName(args[0]));
  if (auto types = absl::GetFlag(FLAGS_types)) {
    for (std::string type : *types) {
      v1::ChangeResourceType value;
      if (!v1::ChangeResourceType_Parse(
              absl::StrCat("CHANGE_RESOURCE_TYPE_", absl::AsciiStrToUpper(type)), &value)) {
        std::cerr << "profile-cli: unknown --types value " << type << "; see --help\n";
        return kUsageError;
      }
      request.add_resource_types(value);
    }
  }
  // Signals are taken by a thread of their own, which cancels the stream:
  // blocked here, before gRPC starts its threads, so that they inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // A background job of a shell starts with SIGINT ignored, and an ignored
  // signal is dropped, blocked or not: take both back to their default.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  cp::client::ChangeClient changes(connection);
  std::unique_ptr<cp::client::ChangeStream> stream = changes.WatchChanges(request);
  std::thread waiter([&signals, &stream]() {
    int signal = 0;
    sigwait(&signals, &signal);
    stream->Cancel();
  });
  const int max_changes = absl::GetFlag(FLAGS_max_changes);
  int count = 0;
  while (max_changes == 0 || count < max_changes) {
    std::optional<v1::Change> change = stream->Next();
    if (!change.has_value()) break;
    if (absl::StatusOr<std::string> line = Render(*change, /*one_line=*/true); line.ok()) {
      std::cout << *line << std::flush;
    }
    ++count;
  }
  absl::Status status = stream->status();
  std::cerr << "resume: --from=" << stream->resume_token() << "\n";
  // Wakes the signal thread if no signal came.
  kill(getpid(), SIGTERM);
  waiter.join();
  if (!status.ok() && !absl::IsCancelled(status)) {
    PrintError(status);
    return static_cast<int>(status.code());
  }
  return 0;
}

// HealthCommand runs `health [SERVICE]` and returns the exit code: 0 only
// for SERVING.
int HealthCommand(const cp::client::Options& connection, const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << "profile-cli: health takes at most one SERVICE; see --help\n";
    return kUsageError;
  }
  auto status = cp::client::CheckHealth(connection, args.empty() ? "" : args[0]);
  if (!status.ok()) {
    PrintError(status.status());
    return static_cast<int>(status.status().code());
  }
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(*status) << "\n";
  return *status == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

// AuditCommand runs `audit NAME`.
Outcome AuditCommand(const cp::client::Options& connection, const std::vector<std::string>& args) {
  absl::StatusOr<std::string> name = RequireName(args, "");
  if (!name.ok()) return Usage(name.status());
  v1::ListAuditEventsRequest request;
  request.set_parent(*name);
  request.set_page_size(absl::GetFlag(FLAGS_page_size).value_or(0));
  request.set_page_token(absl::GetFlag(FLAGS_page_token).value_or(""));
  request.set_filter(absl::GetFlag(FLAGS_filter).value_or(""));
  cp::client::AuditClient audit(connection);
  auto page = audit.ListAuditEvents(request);
  if (!page.ok() || !TextOutput(/*text_default=*/true)) return Printed(page);
  std::string text;
  for (const v1::AuditEvent& event : page->audit_events()) {
    absl::StrAppend(&text, cp::client::AuditText(event));
  }
  if (page->audit_events().empty()) text = "(no audit events)\n";
  if (!page->next_page_token().empty()) {
    absl::StrAppend(&text, "more: --page_token=", page->next_page_token(), "\n");
  }
  return {"", text};
}

// ImportProfilesCommand runs `import-profiles FILE`.
int ImportProfilesCommand(const cp::client::Options& connection,
                          const std::vector<std::string>& args) {
  ProfileClient client(cp::client::MakeProfileConnection(connection));
  return ImportCommand("import-profiles", args,
                       [&](std::istream& file, int batch,
                           std::function<void(const cp::client::ImportProgress&)> progress) {
                         cp::client::ImportProfilesOptions options;
                         options.batch = batch;
                         options.progress = std::move(progress);
                         return cp::client::ImportProfiles(client, file, options);
                       });
}

// ExportProfilesCommand runs `export-profiles` and returns the exit code.
int ExportProfilesCommand(const cp::client::Options& connection,
                          const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "profile-cli: export-profiles takes no arguments; see --help\n";
    return kUsageError;
  }
  ProfileClient client(cp::client::MakeProfileConnection(connection));
  cp::client::ExportProfilesOptions options;
  options.page_size = absl::GetFlag(FLAGS_page_size).value_or(1000);
  options.filter = absl::GetFlag(FLAGS_filter).value_or("");
  options.show_deleted = absl::GetFlag(FLAGS_show_deleted).value_or(false);
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (terminal) {
    options.progress = [](const cp::client::ExportProgress& progress) {
      std::cerr << "\r\033[K" << progress.profiles << " profiles exported" << std::flush;
    };
  }
  absl::StatusOr<int64_t> exported = cp::client::ExportProfiles(client, std::cout, options);
  if (terminal) std::cerr << "\n";
  if (!exported.ok()) {
    PrintError(exported.status());
    return static_cast<int>(exported.status().code());
  }
  std::cerr << "exported " << *exported << " profiles\n";
  return 0;
}

// MethodsCommand runs `methods`: every RPC of every service with its
// command name and kind.
int MethodsCommand(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "profile-cli: methods takes no arguments; see --help\n";
    return kUsageError;
  }
  for (const google::protobuf::MethodDescriptor* method : cp::client::ApiMethods()) {
    std::string kind = method->client_streaming()   ? "client stream"
                       : method->server_streaming() ? "server stream"
                                                    : "unary";
    std::cout << cp::client::CommandName(*method) << "\t" << method->service()->full_name() << "/"
              << method->name() << "\t" << kind << "\n";
  }
  return 0;
}

// kNameFields are the request fields a NAME argument fills, in order: the
// first the request has.
constexpr const char* kNameFields[] = {"name", "parent", "profile", "survivor"};

// MethodCommand runs any RPC by its command name (`record-consent NAME
// --json=...`): the request from --json (a client stream: one JSON object
// per message), NAME into its name, parent or profile field; every
// response printed per --output. Returns the exit code.
int MethodCommand(const cp::client::Options& connection,
                  const google::protobuf::MethodDescriptor& method,
                  const std::vector<std::string>& args) {
  auto usage = [&](absl::string_view message) {
    std::cerr << "profile-cli: " << cp::client::CommandName(method) << ": " << message
              << "; see --help\n";
    return kUsageError;
  };
  if (args.size() > 1) return usage("takes at most one NAME");
  absl::StatusOr<std::string> json = ReadJson();
  if (!json.ok()) return usage(json.status().message());
  auto requests = cp::client::ParseJsonMessages(*json, *method.input_type());
  if (!requests.ok()) return usage(absl::StrCat("--json: ", requests.status().message()));
  if (requests->empty()) requests->push_back(cp::client::NewRequest(method));
  if (!method.client_streaming() && requests->size() > 1) {
    return usage("--json holds more than one request, and the method takes one");
  }
  google::protobuf::Message& first = *requests->front();
  const google::protobuf::Reflection& reflection = *first.GetReflection();
  if (args.size() == 1) {
    const google::protobuf::FieldDescriptor* field = nullptr;
    for (const char* name : kNameFields) {
      field = first.GetDescriptor()->FindFieldByName(name);
      if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
          !field->is_repeated()) {
        break;
      }
      field = nullptr;
    }
    if (field == nullptr) return usage("takes no NAME (its request has no name field)");
    reflection.SetString(&first, field, args[0]);
  }
  // A write gets a request id, so that retrying it after a lost answer
  // replays the first result instead of applying it twice.
  const google::protobuf::FieldDescriptor* request_id =
      first.GetDescriptor()->FindFieldByName("request_id");
  if (request_id != nullptr &&
      request_id->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      reflection.GetString(first, request_id).empty()) {
    reflection.SetString(&first, request_id,
                         absl::GetFlag(FLAGS_request_id).value_or(cp::client::NewRequestId()));
  }
  std::vector<const google::protobuf::Message*> sending;
  for (const auto& request : *requests) sending.push_back(request.get());
  const int max_messages = absl::GetFlag(FLAGS_max_changes);
  int count = 0;
  cp::client::MethodCaller caller(connection);
  absl::Status status =
      caller.Call(method, sending, [&](const google::protobuf::Message& response) {
        absl::StatusOr<std::string> out = Render(response, method.server_streaming());
        std::cout << (out.ok() ? *out : "") << std::flush;
        ++count;
        return max_messages == 0 || count < max_messages;
      });
  if (!status.ok()) {
    PrintError(status);
    return static_cast<int>(status.code());
  }
  return 0;
}

// ApplyLookupFlags sets the one identifier given by --email, --phone or
// --external_id (SYSTEM:ID) and --region_code; more than one, or a list, is
// a usage error. None given leaves --json's identifier (or none: the server
// answers INVALID_ARGUMENT).
absl::Status ApplyLookupFlags(v1::LookupProfilesRequest* request) {
  auto email = absl::GetFlag(FLAGS_email);
  auto phone = absl::GetFlag(FLAGS_phone);
  auto external_id = absl::GetFlag(FLAGS_external_id);
  if (email.has_value() + phone.has_value() + external_id.has_value() > 1) {
    return absl::InvalidArgumentError("lookup takes one of --email, --phone, --external-id");
  }
  if ((email && email->size() != 1) || (phone && phone->size() != 1)) {
    return absl::InvalidArgumentError("lookup takes one --email or --phone value");
  }
  if (email) request->set_email(email->front());
  if (phone) request->set_phone(phone->front());
  if (external_id) {
    std::vector<std::string> parts = absl::StrSplit(*external_id, absl::MaxSplits(':', 1));
    if (parts.size() != 2) {
      return absl::InvalidArgumentError("--external-id must be SYSTEM:ID");
    }
    request->mutable_external_id()->set_system(parts[0]);
    request->mutable_external_id()->set_id(parts[1]);
  }
  if (auto region = absl::GetFlag(FLAGS_region_code)) request->set_region_code(*region);
  return absl::OkStatus();
}

// ApplyMergeArgs reads `merge SURVIVOR PROFILE...`: each PROFILE is ID or
// ID@ETAG, --etag is the survivor's, --choose lists FIELD=PROFILE choices.
absl::Status ApplyMergeArgs(const std::vector<std::string>& args,
                            v1::MergeProfilesRequest* request) {
  if (!args.empty()) {
    request->set_survivor(ProfileName(args[0]));
    for (size_t i = 1; i < args.size(); ++i) {
      std::vector<std::string> parts = absl::StrSplit(args[i], absl::MaxSplits('@', 1));
      v1::MergeSource* source = request->add_merged_profiles();
      source->set_name(ProfileName(parts[0]));
      if (parts.size() == 2) source->set_etag(parts[1]);
    }
  }
  if (request->survivor().empty() || request->merged_profiles().empty()) {
    return absl::InvalidArgumentError("merge takes SURVIVOR and at least one PROFILE");
  }
  if (auto etag = absl::GetFlag(FLAGS_etag)) request->set_survivor_etag(*etag);
  if (auto id = absl::GetFlag(FLAGS_request_id)) request->set_request_id(*id);
  if (auto choices = absl::GetFlag(FLAGS_choose)) {
    for (const std::string& choice : *choices) {
      std::vector<std::string> parts = absl::StrSplit(choice, absl::MaxSplits('=', 1));
      if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
        return absl::InvalidArgumentError("--choose takes FIELD=PROFILE pairs");
      }
      v1::FieldChoice* field_choice = request->add_field_choices();
      field_choice->set_field(parts[0]);
      field_choice->set_profile(ProfileName(parts[1]));
    }
  }
  return absl::OkStatus();
}

Outcome Run(ProfileClient& client, const std::string& command,
            const std::vector<std::string>& args) {
  if (command == "create") {
    v1::CreateProfileRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    if (!args.empty()) return Usage(absl::InvalidArgumentError("create takes no NAME"));
    ApplyProfileFlags(request.mutable_profile());
    if (auto id = absl::GetFlag(FLAGS_profile_id)) request.set_profile_id(*id);
    if (auto id = absl::GetFlag(FLAGS_request_id)) request.set_request_id(*id);
    return Printed(client.CreateProfile(request));
  }
  if (command == "get") {
    v1::GetProfileRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    absl::StatusOr<std::string> name = RequireName(args, request.name());
    if (!name.ok()) return Usage(name.status());
    request.set_name(*name);
    return Printed(client.GetProfile(request));
  }
  if (command == "update") {
    v1::UpdateProfileRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    absl::StatusOr<std::string> name = RequireName(args, request.profile().name());
    if (!name.ok()) return Usage(name.status());
    request.mutable_profile()->set_name(*name);
    std::vector<std::string> paths = ApplyProfileFlags(request.mutable_profile());
    if (auto mask = absl::GetFlag(FLAGS_update_mask)) {
      request.mutable_update_mask()->clear_paths();
      paths = *mask;
    }
    for (std::string& path : paths) request.mutable_update_mask()->add_paths(std::move(path));
    if (auto etag = absl::GetFlag(FLAGS_etag)) request.mutable_profile()->set_etag(*etag);
    return Printed(client.UpdateProfile(request));
  }
  if (command == "delete" || command == "undelete") {
    v1::DeleteProfileRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    absl::StatusOr<std::string> name = RequireName(args, request.name());
    if (!name.ok()) return Usage(name.status());
    request.set_name(*name);
    if (auto etag = absl::GetFlag(FLAGS_etag)) request.set_etag(*etag);
    if (command == "delete") return Printed(client.DeleteProfile(request));
    return Printed(client.UndeleteProfile(request.name(), request.etag()));
  }
  if (command == "list") {
    v1::ListProfilesRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    if (!args.empty()) return Usage(absl::InvalidArgumentError("list takes no NAME"));
    if (auto filter = absl::GetFlag(FLAGS_filter)) request.set_filter(*filter);
    if (auto order_by = absl::GetFlag(FLAGS_order_by)) request.set_order_by(*order_by);
    if (auto size = absl::GetFlag(FLAGS_page_size)) request.set_page_size(*size);
    if (auto token = absl::GetFlag(FLAGS_page_token)) request.set_page_token(*token);
    if (auto deleted = absl::GetFlag(FLAGS_show_deleted)) request.set_show_deleted(*deleted);
    return Printed(client.ListProfiles(request));
  }
  if (command == "lookup") {
    v1::LookupProfilesRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    if (!args.empty()) return Usage(absl::InvalidArgumentError("lookup takes no NAME"));
    if (auto status = ApplyLookupFlags(&request); !status.ok()) return Usage(status);
    return Printed(client.LookupProfiles(request));
  }
  if (command == "duplicates") {
    v1::FindDuplicatesRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    absl::StatusOr<std::string> name = RequireName(args, request.name());
    if (!name.ok()) return Usage(name.status());
    int page_size = absl::GetFlag(FLAGS_page_size).value_or(request.page_size());
    std::string token = absl::GetFlag(FLAGS_page_token).value_or(request.page_token());
    return Printed(client.FindDuplicates(*name, page_size, token));
  }
  if (command == "merge") {
    v1::MergeProfilesRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    if (auto status = ApplyMergeArgs(args, &request); !status.ok()) return Usage(status);
    return Printed(client.MergeProfiles(request));
  }
  if (command == "unmerge") {
    v1::UnmergeProfileRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    if (args.size() > 1) return Usage(absl::InvalidArgumentError("unmerge takes one MERGE"));
    if (args.size() == 1) request.set_name(args[0]);
    if (request.name().empty()) return Usage(absl::InvalidArgumentError("MERGE is required"));
    if (auto etag = absl::GetFlag(FLAGS_etag)) request.set_etag(*etag);
    if (auto id = absl::GetFlag(FLAGS_request_id)) request.set_request_id(*id);
    return Printed(client.UnmergeProfile(request));
  }
  if (command == "merges") {
    v1::ListMergesRequest request;
    if (auto status = ParseRequest(&request); !status.ok()) return Usage(status);
    absl::StatusOr<std::string> name = RequireName(args, request.parent());
    if (!name.ok()) return Usage(name.status());
    int page_size = absl::GetFlag(FLAGS_page_size).value_or(request.page_size());
    std::string token = absl::GetFlag(FLAGS_page_token).value_or(request.page_token());
    return Printed(client.ListMerges(*name, page_size, token));
  }
  return Usage(absl::InvalidArgumentError(absl::StrCat("unknown command \"", command, "\"")));
}

// PrintError writes the status line and its details as JSON to stderr.
void PrintError(const absl::Status& status) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  google::rpc::Status details = cp::client::ToRpcStatus(status);
  if (details.details().empty()) return;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  if (google::protobuf::util::MessageToJsonString(details, &json, options).ok()) {
    std::cerr << json;
    return;
  }
  for (const google::protobuf::Any& detail : details.details()) {
    std::cerr << "detail: " << detail.type_url() << "\n";
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "client/main.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(kUsage);
  // Flag names may be written with dashes too (--external-id, as the
  // server's flags): each is read as its underscore spelling.
  std::vector<std::string> spelled(argv, argv + argc);
  for (std::string& arg : spelled) {
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "--")) continue;
    size_t end = std::min(arg.find('='), arg.size());
    std::replace(arg.begin() + 2, arg.begin() + static_cast<std::ptrdiff_t>(end), '-', '_');
  }
  std::vector<char*> spelled_argv;
  for (std::string& arg : spelled) spelled_argv.push_back(arg.data());
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(spelled_argv.size()), spelled_argv.data());
  if (positional.size() < 2) {
    std::cerr << "profile-cli: a COMMAND is required; see --help\n";
    return kUsageError;
  }
  const std::string command = positional[1];
  const std::vector<std::string> args(positional.begin() + 2, positional.end());

  cp::client::Options options;
  options.endpoint = absl::GetFlag(FLAGS_endpoint);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  options.retry.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  if (!absl::GetFlag(FLAGS_token).empty()) {
    options.metadata.emplace_back("authorization", "Bearer " + absl::GetFlag(FLAGS_token));
  }
  if (!absl::GetFlag(FLAGS_actor).empty()) {
    options.metadata.emplace_back("x-actor", absl::GetFlag(FLAGS_actor));
  }
  cp::client::Options connection = options;
  // Before any channel exists: gRPC's threads must start with the signals
  // blocked that the watch waits for.
  const std::string output = absl::GetFlag(FLAGS_output);
  if (!output.empty() && output != "json" && output != "text") {
    std::cerr << "profile-cli: --output must be json or text; see --help\n";
    return kUsageError;
  }
  if (command == "watch") return WatchCommand(connection, args);
  if (command == "health") return HealthCommand(connection, args);
  if (command == "methods") return MethodsCommand(args);
  if (command == "call") {
    const google::protobuf::MethodDescriptor* method =
        args.empty() ? nullptr : cp::client::FindApiMethod(args[0]);
    if (method == nullptr) {
      std::cerr << "profile-cli: call takes a METHOD of `profile-cli methods`; see --help\n";
      return kUsageError;
    }
    return MethodCommand(connection, *method,
                         std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (!IsNamedCommand(command)) {
    if (const google::protobuf::MethodDescriptor* method = cp::client::FindApiMethod(command)) {
      return MethodCommand(connection, *method, args);
    }
  }
  ProfileClient client(cp::client::MakeProfileConnection(std::move(options)));

  if (command == "import-interactions") return ImportInteractionsCommand(connection, args);
  if (command == "import-profiles") return ImportProfilesCommand(connection, args);
  if (command == "export-profiles") return ExportProfilesCommand(connection, args);
  Outcome outcome =
      command == "import-register" ? ImportRegisterCommand(connection, args)
      : command == "audit"         ? AuditCommand(connection, args)
      : command == "timeline" || command == "insights" || command == "record-interaction"
          ? TimelineCommand(connection, command, args)
          : Run(client, command, args);
  if (!outcome.usage_error.empty()) {
    std::cerr << "profile-cli: " << outcome.usage_error << "; see --help\n";
    return kUsageError;
  }
  if (!outcome.json.ok()) {
    PrintError(outcome.json.status());
    return static_cast<int>(outcome.json.status().code());
  }
  std::cout << *outcome.json;
  return 0;
}
