# Generates C++ for the service's protos and the protos it imports from
# Debian packages (googleapis types via golang-github-gogo-googleapis-dev,
# grpc.health via grpc-proto), into one library: cp_proto.
set(CP_GOOGLEAPIS_DIR /usr/share/gocode/src/github.com/gogo/googleapis)
set(CP_GRPC_PROTO_DIR /usr/share/grpc-proto)
set(CP_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${CP_GEN_DIR})
get_target_property(CP_GRPC_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

set(_cp_proto_srcs)
# cp_generate(root file with_grpc)
function(cp_generate root file with_grpc)
  string(REGEX REPLACE "\\.proto$" "" base ${file})
  set(outs ${CP_GEN_DIR}/${base}.pb.cc ${CP_GEN_DIR}/${base}.pb.h)
  set(args --cpp_out=${CP_GEN_DIR})
  if(with_grpc)
    list(APPEND outs ${CP_GEN_DIR}/${base}.grpc.pb.cc ${CP_GEN_DIR}/${base}.grpc.pb.h)
    list(APPEND args --grpc_out=${CP_GEN_DIR} --plugin=protoc-gen-grpc=${CP_GRPC_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND protobuf::protoc ${args} -I${CMAKE_SOURCE_DIR}/protos -I${CP_GOOGLEAPIS_DIR}
            -I${CP_GRPC_PROTO_DIR} ${root}/${file}
    DEPENDS ${root}/${file} protobuf::protoc
    COMMENT "protoc ${file}")
  set(_cp_proto_srcs ${_cp_proto_srcs} ${CP_GEN_DIR}/${base}.pb.cc PARENT_SCOPE)
  if(with_grpc)
    set(_cp_proto_srcs ${_cp_proto_srcs} ${CP_GEN_DIR}/${base}.pb.cc
        ${CP_GEN_DIR}/${base}.grpc.pb.cc PARENT_SCOPE)
  endif()
endfunction()

cp_generate(${CP_GOOGLEAPIS_DIR} google/type/date.proto OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/code.proto OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/status.proto OFF)
cp_generate(${CP_GOOGLEAPIS_DIR} google/rpc/error_details.proto OFF)
# Linking health's descriptor makes server reflection whole: the built-in
# health service is listed, and now also describable.
cp_generate(${CP_GRPC_PROTO_DIR} grpc/health/v1/health.proto ON)

file(GLOB_RECURSE _cp_own_protos CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/protos
     ${CMAKE_SOURCE_DIR}/protos/*.proto)
foreach(p ${_cp_own_protos})
  file(STRINGS ${CMAKE_SOURCE_DIR}/protos/${p} _has_service REGEX "^service ")
  if(_has_service)
    cp_generate(${CMAKE_SOURCE_DIR}/protos ${p} ON)
  else()
    cp_generate(${CMAKE_SOURCE_DIR}/protos ${p} OFF)
  endif()
endforeach()
list(REMOVE_DUPLICATES _cp_proto_srcs)

add_library(cp_proto STATIC ${_cp_proto_srcs})
target_include_directories(cp_proto PUBLIC ${CP_GEN_DIR})
target_link_libraries(cp_proto PUBLIC protobuf::libprotobuf gRPC::grpc++)
