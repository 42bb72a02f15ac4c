# Generates C++ for the service's protos and the protos it imports from
# Debian packages (googleapis types via golang-github-gogo-googleapis-dev,
# grpc.health via grpc-proto), into one library: cp_proto.
set(CP_GOOGLEAPIS_DIR /usr/share/gocode/src/github.com/gogo/googleapis)
set(CP_GRPC_PROTO_DIR /usr/share/grpc-proto)
set(CP_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${CP_GEN_DIR})
get_target_property(CP_GRPC_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

# protoc-gen-cp-utf8 specialises grpc::SerializationTraits for our *Request
# messages (inside their .pb.h), so that a request with invalid UTF-8 reaches
# the handler instead of failing as UNIMPLEMENTED; see protos/runtime/.
add_executable(protoc-gen-cp-utf8 ${CMAKE_SOURCE_DIR}/protos/plugin/utf8_traits_plugin.cc)
target_link_libraries(protoc-gen-cp-utf8 PRIVATE protobuf::libprotoc protobuf::libprotobuf)
set_target_properties(protoc-gen-cp-utf8 PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tools)

file(GLOB _cp_proto_runtime_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/protos/runtime/*.cc)
add_library(cp_proto_runtime STATIC ${_cp_proto_runtime_srcs})
target_include_directories(cp_proto_runtime PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(cp_proto_runtime PUBLIC protobuf::libprotobuf gRPC::grpc++ absl::strings
    absl::flat_hash_map)

set(_cp_proto_srcs)
# cp_generate(root file with_grpc with_utf8_traits)
function(cp_generate root file with_grpc with_utf8_traits)
  string(REGEX REPLACE "\\.proto$" "" base ${file})
  set(outs ${CP_GEN_DIR}/${base}.pb.cc ${CP_GEN_DIR}/${base}.pb.h)
  set(args --cpp_out=${CP_GEN_DIR})
  if(with_grpc)
    # The mock stub (<base>_mock.grpc.pb.h, gmock) is for tests only.
    list(APPEND outs ${CP_GEN_DIR}/${base}.grpc.pb.cc ${CP_GEN_DIR}/${base}.grpc.pb.h
         ${CP_GEN_DIR}/${base}_mock.grpc.pb.h)
    list(APPEND args --grpc_out=generate_mock_code=true:${CP_GEN_DIR}
         --plugin=protoc-gen-grpc=${CP_GRPC_PLUGIN})
  endif()
  set(deps ${root}/${file} protobuf::protoc)
  if(with_utf8_traits)
    # After --cpp_out: the plugin inserts into the .pb.h written just before.
    list(APPEND args --cp-utf8_out=${CP_GEN_DIR}
         --plugin=protoc-gen-cp-utf8=$<TARGET_FILE:protoc-gen-cp-utf8>)
    list(APPEND deps protoc-gen-cp-utf8)
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND protobuf::protoc ${args} -I${CMAKE_SOURCE_DIR}/protos -I${CP_GOOGLEAPIS_DIR}
            -I${CP_GRPC_PROTO_DIR} ${root}/${file}
    DEPENDS ${deps}
    COMMENT "protoc ${file}")
  set(_cp_proto_srcs ${_cp_proto_srcs} ${CP_GEN_DIR}/${base}.pb.cc PARENT_SCOPE)
  if(with_grpc)
    set(_cp_proto_srcs ${_cp_proto_srcs} ${CP_GEN_DIR}/${base}.pb.cc
        ${CP_GEN_DIR}/${base}.grpc.pb.cc PARENT_SCOPE)
  endif()
endfunction()

cp_generate(${CP_GOOGLEAPIS_DIR} google/type/date.proto OFF OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/type/money.proto OFF OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/code.proto OFF OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/status.proto OFF OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/error_details.proto OFF OFF)
# Linking health's descriptor makes server reflection whole: the built-in
# health service is listed, and now also describable.
cp_generate(${CP_GRPC_PROTO_DIR} grpc/health/v1/health.proto ON OFF)
# grpc.reflection.v1, which gRPC 1.51 does not serve: server/reflection_v1_service.h.
cp_generate(${CP_GRPC_PROTO_DIR} grpc/reflection/v1/reflection.proto ON OFF)

file(GLOB_RECURSE _cp_own_protos CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/protos
     ${CMAKE_SOURCE_DIR}/protos/*.proto)
foreach(p ${_cp_own_protos})
  file(STRINGS ${CMAKE_SOURCE_DIR}/protos/${p} _has_service REGEX "^service ")
  if(_has_service)
    cp_generate(${CMAKE_SOURCE_DIR}/protos ${p} ON ON)
  else()
    cp_generate(${CMAKE_SOURCE_DIR}/protos ${p} OFF ON)
  endif()
endforeach()
list(REMOVE_DUPLICATES _cp_proto_srcs)

add_library(cp_proto STATIC ${_cp_proto_srcs})
target_include_directories(cp_proto PUBLIC ${CP_GEN_DIR})
target_link_libraries(cp_proto PUBLIC cp_proto_runtime protobuf::libprotobuf gRPC::grpc++)
