#pragma once

#include <string>

namespace cp::testing {

// TempDir is a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the TempDir is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // path returns the directory's absolute path.
  const std::string& path() const { return path_; }
  // File returns path()/name.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace cp::testing
