# cp_migrations(dialect dir) embeds dir/NNNN_name.sql into
# ${CMAKE_BINARY_DIR}/gen/migrations_<dialect>.cc, defining
# storage::<Dialect>Migrations() (see storage/migration.h).
function(cp_migrations dialect dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  set(out ${CMAKE_BINARY_DIR}/gen/migrations_${dialect}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIALECT=${dialect} -DDIR=${dir} -DOUT=${out}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_migrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/cmake/embed_migrations.cmake
    COMMENT "embedding ${dialect} migrations")
endfunction()
