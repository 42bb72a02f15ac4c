# Finds MySQL Connector/C++ 1.1 (Debian's libmysqlcppconn-dev, the classic
# `sql::` API), which ships neither a pkg-config file nor a CMake config.
# Defines MySQLConnectorCpp::MySQLConnectorCpp, whose include directory is
# the one holding cppconn's headers (driver.h, connection.h, ...).
find_path(MySQLConnectorCpp_INCLUDE_DIR NAMES cppconn/driver.h)
find_library(MySQLConnectorCpp_LIBRARY NAMES mysqlcppconn)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MySQLConnectorCpp
    REQUIRED_VARS MySQLConnectorCpp_LIBRARY MySQLConnectorCpp_INCLUDE_DIR)
if(MySQLConnectorCpp_FOUND AND NOT TARGET MySQLConnectorCpp::MySQLConnectorCpp)
  add_library(MySQLConnectorCpp::MySQLConnectorCpp UNKNOWN IMPORTED)
  set_target_properties(MySQLConnectorCpp::MySQLConnectorCpp PROPERTIES
      IMPORTED_LOCATION ${MySQLConnectorCpp_LIBRARY}
      INTERFACE_INCLUDE_DIRECTORIES ${MySQLConnectorCpp_INCLUDE_DIR}/cppconn)
endif()
mark_as_advanced(MySQLConnectorCpp_INCLUDE_DIR MySQLConnectorCpp_LIBRARY)
