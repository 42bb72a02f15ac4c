#include "domain/common/filter_lexer.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/utf8.h"

namespace cp::domain {
namespace {

using storage::FilterOp;

// IsDelimiter tells whether `c` ends a bare word.
bool IsDelimiter(char c) {
  switch (c) {
    case '(':
    case ')':
    case '"':
    case '\'':
    case '=':
    case '<':
    case '>':
    case '!':
    case ':':
    case ',':
      return true;
    default:
      return absl::ascii_isspace(static_cast<unsigned char>(c));
  }
}

// Lexer turns one filter into tokens. Offsets in errors and tokens are in
// code points, counted incrementally as the scan moves forward.
class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<FilterToken>> Run() {
    while (true) {
      while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      }
      if (pos_ == text_.size()) break;
      absl::Status status = Next();
      if (!status.ok()) return status;
    }
    Emit(FilterTokenKind::kEnd, pos_);
    return std::move(tokens_);
  }

 private:
  absl::Status Next() {
    const size_t start = pos_;
    const char c = text_[pos_];
    switch (c) {
      case '(':
        ++pos_;
        Emit(FilterTokenKind::kLParen, start);
        return absl::OkStatus();
      case ')':
        ++pos_;
        Emit(FilterTokenKind::kRParen, start);
        return absl::OkStatus();
      case '=':
        return Comparator(FilterOp::kEq, 1);
      case ':':
        return Comparator(FilterOp::kHas, 1);
      case '<':
        return Followed('=') ? Comparator(FilterOp::kLe, 2) : Comparator(FilterOp::kLt, 1);
      case '>':
        return Followed('=') ? Comparator(FilterOp::kGe, 2) : Comparator(FilterOp::kGt, 1);
      case '!':
        if (Followed('=')) return Comparator(FilterOp::kNe, 2);
        return InvalidFilter("unexpected '!' (did you mean '!=' or NOT?)", Offset(start));
      case ',':
        return InvalidFilter("unexpected ',' (functions are not supported)", Offset(start));
      case '"':
      case '\'':
        return String(c);
      case '-':
        if (tokens_.empty() || tokens_.back().kind != FilterTokenKind::kComparator) {
          ++pos_;
          Emit(FilterTokenKind::kMinus, start);
          return absl::OkStatus();
        }
        return Word();
      default:
        return Word();
    }
  }

  bool Followed(char c) const { return pos_ + 1 < text_.size() && text_[pos_ + 1] == c; }

  absl::Status Comparator(FilterOp op, size_t length) {
    FilterToken& token = Emit(FilterTokenKind::kComparator, pos_);
    token.op = op;
    pos_ += length;
    return absl::OkStatus();
  }

  absl::Status Word() {
    const size_t start = pos_;
    while (pos_ < text_.size() && !IsDelimiter(text_[pos_])) ++pos_;
    absl::string_view word = text_.substr(start, pos_ - start);
    bool wildcard = false;
    if (!word.empty() && word.back() == '*') {
      wildcard = true;
      word.remove_suffix(1);
    }
    if (size_t star = word.find('*'); star != absl::string_view::npos) {
      return InvalidFilter(
          "'*' is only allowed at the end of a value (quote the value and write \\*"
          " for a literal star)",
          Offset(start + star));
    }
    FilterTokenKind kind = FilterTokenKind::kWord;
    if (!wildcard) {
      if (word == "AND") kind = FilterTokenKind::kAnd;
      if (word == "OR") kind = FilterTokenKind::kOr;
      if (word == "NOT") kind = FilterTokenKind::kNot;
    }
    FilterToken& token = Emit(kind, start);
    token.text = std::string(word);
    token.wildcard = wildcard;
    return absl::OkStatus();
  }

  absl::Status String(char quote) {
    const size_t start = pos_;
    ++pos_;
    std::string value;
    bool wildcard = false;
    while (true) {
      if (pos_ == text_.size()) return InvalidFilter("unterminated string", Offset(start));
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (wildcard) {
        return InvalidFilter(
            "'*' is only allowed at the end of a value (write \\* for a literal star)",
            Offset(pos_ - 1));
      }
      if (c == '*') {
        wildcard = true;
        ++pos_;
        continue;
      }
      if (c != '\\') {
        value.push_back(c);
        ++pos_;
        continue;
      }
      if (pos_ + 1 == text_.size()) return InvalidFilter("unterminated string", Offset(start));
      switch (text_[pos_ + 1]) {
        case '\\':
        case '"':
        case '\'':
        case '*':
          value.push_back(text_[pos_ + 1]);
          break;
        case 'n':
          value.push_back('\n');
          break;
        case 'r':
          value.push_back('\r');
          break;
        case 't':
          value.push_back('\t');
          break;
        default:
          return InvalidFilter("unknown escape sequence in string", Offset(pos_));
      }
      pos_ += 2;
    }
    FilterToken& token = Emit(FilterTokenKind::kString, start);
    token.text = std::move(value);
    token.wildcard = wildcard;
    return absl::OkStatus();
  }

  FilterToken& Emit(FilterTokenKind kind, size_t byte_offset) {
    FilterToken& token = tokens_.emplace_back();
    token.kind = kind;
    token.offset = Offset(byte_offset);
    return token;
  }

  // Offset converts a byte offset at or after the previous one to code points.
  size_t Offset(size_t byte_offset) {
    for (; counted_bytes_ < byte_offset; ++counted_bytes_) {
      if ((static_cast<uint8_t>(text_[counted_bytes_]) & 0xC0) != 0x80) ++counted_points_;
    }
    return counted_points_;
  }

  absl::string_view text_;
  size_t pos_ = 0;
  size_t counted_bytes_ = 0;
  size_t counted_points_ = 0;
  std::vector<FilterToken> tokens_;
};

}  // namespace

absl::StatusOr<std::vector<FilterToken>> LexFilter(absl::string_view text) {
  if (text.size() > kMaxFilterLength) {
    return InvalidFilter(absl::StrCat("filter is longer than ", kMaxFilterLength, " bytes"), 0);
  }
  if (!IsValidUtf8(text)) return InvalidFilter("filter is not valid UTF-8", 0);
  return Lexer(text).Run();
}

absl::Status InvalidFilter(absl::string_view what, size_t offset) {
  return InvalidField("filter", absl::StrCat(what, " at offset ", offset), kInvalidFilter);
}

bool IsFieldPath(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  bool segment_start = true;
  for (char c : text) {
    if (c == '.') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    const bool letter = (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && !segment_start)) return false;
    segment_start = false;
  }
  return !segment_start;
}

}  // namespace cp::domain
