"""Macros mirroring CMakeLists.txt's functions, so that both builds compile
the same files and pick up new files the same way (glob, as CMake's
file(GLOB CONFIGURE_DEPENDS)):

  cp_folder_library  - cp_folder_library(): every *.cc of the folders except
                       main.cc and *_main.cc, as one library.
  cp_migrations      - cp_migrations(): embeds <dialect>/migrations/*.sql into
                       migrations_<dialect>.cc, by running the very script
                       CMake runs (cmake/embed_migrations.cmake).
  cp_tests           - one cc_test per tests/**/*_test.cc, named after its
                       file, as CMake's add_executable per test file.
"""

_MAIN_FILES = ["**/main.cc", "**/*_main.cc"]

def cp_folder_library(name, folders = [""], srcs = [], deps = [], **kwargs):
    """One library of every *.cc (but main.cc, *_main.cc) and *.h in folders.

    Args:
      name: the target.
      folders: folders relative to the package ("" for the package's own,
        "sql/" for a subfolder), each globbed non-recursively like CMake;
        "**/" for the package's folder and all below it.
      srcs: generated sources added (as ${ARGN} in CMake).
      deps: what the library links (CMake's target_link_libraries PUBLIC).
      **kwargs: passed to cc_library.
    """
    native.cc_library(
        name = name,
        srcs = native.glob([f + "*.cc" for f in folders], exclude = _MAIN_FILES) + srcs,
        hdrs = native.glob([f + "*.h" for f in folders]),
        deps = deps,
        visibility = ["//visibility:public"],
        **kwargs
    )

def cp_migrations(dialect):
    """genrule migrations_<dialect>: <dialect>/migrations/*.sql as C++."""
    folder = native.package_name() + "/" + dialect + "/migrations"
    out = "migrations_%s.cc" % dialect
    native.genrule(
        name = "migrations_" + dialect,
        srcs = native.glob([dialect + "/migrations/*.sql"]),
        outs = [out],
        tools = ["//:cmake/embed_migrations.cmake"],
        # The script globs DIR itself, relative to the working directory (the
        # execution root, where the declared .sql files are).
        cmd = ("cmake -DDIALECT=%s -DDIR=%s -DOUT=$@ -P $(location //:cmake/embed_migrations.cmake)" +
               " >/dev/null") % (dialect, folder),
        message = "Embedding %s migrations" % dialect,
    )

def cp_tests(tests, deps, data = [], local_defines = [], long = [], exclusive = []):
    """One cc_test per file in tests, named after the file (foo_test.cc -> foo_test).

    Args:
      tests: the test sources (a glob of **/*_test.cc).
      deps: what every test links.
      data: runtime files every test gets.
      local_defines: compile definitions for every test.
      long: folder prefixes whose tests get the long (900 s) timeout.
      exclusive: test names run alone (CMake's RUN_SERIAL).
    """
    for src in tests:
        name = src.rpartition("/")[2][:-len(".cc")]
        tags = []
        if name in exclusive:
            tags.append("exclusive")
        timeout = "moderate"
        for prefix in long:
            if src.startswith(prefix):
                timeout = "long"
        native.cc_test(
            name = name,
            srcs = [src],
            deps = deps,
            data = data,
            local_defines = local_defines,
            linkstatic = True,
            timeout = timeout,
            tags = tags,
        )
