// protoc-gen-cp-utf8 adds, to the .pb.h that protoc's C++ generator wrote in
// the same run, a grpc::SerializationTraits specialisation for every
// top-level message whose name ends in "Request". The specialisation
// (cp::protos::RequestSerializationTraits) lets a request with invalid UTF-8
// in a string field reach the handler, which then answers INVALID_ARGUMENT
// naming the fields. Living in the .pb.h, it is seen by every translation
// unit that sees the message type. Run it after --cpp_out:
//   protoc --cpp_out=OUT --cp-utf8_out=OUT --plugin=protoc-gen-cp-utf8=PATH ...
#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/compiler/plugin.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/printer.h>
#include <google/protobuf/io/zero_copy_stream.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::compiler::GeneratorContext;
using google::protobuf::io::Printer;
using google::protobuf::io::ZeroCopyOutputStream;

constexpr char kRequestSuffix[] = "Request";

// CppName returns the fully qualified C++ name of a top-level message.
std::string CppName(const Descriptor* message) {
  std::string name = "::";
  for (char c : message->file()->package()) {
    if (c == '.') {
      name += "::";
    } else {
      name += c;
    }
  }
  if (!message->file()->package().empty()) name += "::";
  return name + message->name();
}

bool IsRequest(const Descriptor* message) {
  const std::string& name = message->name();
  const std::string suffix = kRequestSuffix;
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Utf8TraitsGenerator : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const FileDescriptor* file, const std::string& /*parameter*/,
                GeneratorContext* context, std::string* /*error*/) const override {
    std::vector<const Descriptor*> requests;
    for (int i = 0; i < file->message_type_count(); ++i) {
      if (IsRequest(file->message_type(i))) requests.push_back(file->message_type(i));
    }
    if (requests.empty()) return true;
    std::string header = file->name();
    header = header.substr(0, header.size() - std::string(".proto").size()) + ".pb.h";
    {
      // Outside protobuf's port_def.inc region, where headers may be included.
      std::unique_ptr<ZeroCopyOutputStream> out(context->OpenForInsert(header, "includes"));
      Printer printer(out.get(), '$');
      printer.Print(
          "#include <grpcpp/impl/codegen/serialization_traits.h>\n"
          "#include \"protos/runtime/request_serialization_traits.h\"\n");
    }
    std::unique_ptr<ZeroCopyOutputStream> out(context->OpenForInsert(header, "global_scope"));
    Printer printer(out.get(), '$');
    printer.Print(
        "// Requests that carry invalid UTF-8 reach the handler with those fields\n"
        "// emptied and recorded (protoc-gen-cp-utf8).\n"
        "namespace grpc {\n");
    for (const Descriptor* request : requests) {
      printer.Print(
          "template <>\n"
          "class SerializationTraits<$type$, void>\n"
          "    : public ::cp::protos::RequestSerializationTraits<$type$> {};\n",
          "type", CppName(request));
    }
    printer.Print("}  // namespace grpc\n");
    return true;
  }

  uint64_t GetSupportedFeatures() const override { return FEATURE_PROTO3_OPTIONAL; }
};

}  // namespace

int main(int argc, char* argv[]) {
  Utf8TraitsGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
