#include "server/store_factory.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace cp::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Verifies that sqlite:PATH opens (and creates) a SQLite store there.
TEST(StoreFactoryTest, OpensSqlite) {
  testing::TempDir dir;
  StoreSettings settings;
  settings.uri = "sqlite:" + dir.File("sub/profiles.db");
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(settings);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Migrate().ok());
  EXPECT_THAT((*store)->Describe(), HasSubstr("profiles.db"));
}

// Verifies that an unknown scheme is a clear INVALID_ARGUMENT that does not
// echo the URI.
TEST(StoreFactoryTest, RejectsUnknownScheme) {
  StoreSettings settings;
  settings.uri = "postgres://app:s3cret@db/profiles";
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(settings);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("unknown store scheme"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cret")));
}

// Verifies that a missing MySQL password file fails before connecting.
TEST(StoreFactoryTest, MissingPasswordFileFails) {
  StoreSettings settings;
  settings.uri = "mysql://app@127.0.0.1:1/profiles";
  settings.mysql_password_file = "/nonexistent/password";
  absl::StatusOr<std::unique_ptr<storage::Store>> store = OpenStore(settings);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr("/nonexistent/password"));
}

// Verifies that a password file yields its first line without the break.
TEST(StoreFactoryTest, ReadsPasswordFile) {
  testing::TempDir dir;
  std::ofstream(dir.File("pw")) << "s3cret\r\nignored\n";
  absl::StatusOr<std::string> password = ReadPasswordFile(dir.File("pw"));
  ASSERT_TRUE(password.ok()) << password.status();
  EXPECT_EQ(*password, "s3cret");
}

}  // namespace
}  // namespace cp::server
