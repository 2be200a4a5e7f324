// Hash chain of the audit log (SHA-256 via libsodium), its verification and CSV reports.
#include "vertebra/audit/audit.hpp"

#include <sodium.h>

#include <sstream>

namespace vertebra::core {

namespace {

void field(std::string& out, const std::string& v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += ';';
}

std::string hex(const unsigned char* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::string csv_cell(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return hex(out, sizeof out);
}

const std::string& audit_genesis_hash() {
    static const std::string g(64, '0');
    return g;
}

std::string audit_canonical(const AuditEntry& e) {
    std::string s;
    field(s, std::to_string(e.seq));
    field(s, std::to_string(to_epoch(e.at)));
    field(s, e.user);
    field(s, e.patient_id ? std::to_string(*e.patient_id) : std::string());
    field(s, e.action);
    field(s, e.object);
    field(s, e.workstation);
    field(s, e.detail);
    field(s, e.prev_hash);
    return s;
}

std::string audit_hash(const AuditEntry& e) { return sha256_hex(audit_canonical(e)); }

AuditVerification verify_audit_chain(const std::vector<AuditEntry>& entries) {
    AuditVerification v;
    std::int64_t expect_seq = 1;
    std::string prev = audit_genesis_hash();
    for (const auto& e : entries) {
        ++v.entries;
        auto broken = [&](std::int64_t seq, std::string why) {
            v.intact = false;
            v.first_broken_seq = seq;
            v.problem = std::move(why);
        };
        if (e.seq != expect_seq) {
            if (e.seq > expect_seq)
                broken(expect_seq, "entry " + std::to_string(expect_seq) +
                                       " is missing (deleted): the log jumps from " +
                                       std::to_string(expect_seq - 1) + " to " +
                                       std::to_string(e.seq));
            else
                broken(e.seq, "entry " + std::to_string(e.seq) + " is out of order (after " +
                                  std::to_string(expect_seq - 1) + ")");
            return v;
        }
        if (e.hash != audit_hash(e)) {
            broken(e.seq, "entry " + std::to_string(e.seq) +
                              " was edited: its content does not match its hash");
            return v;
        }
        if (e.prev_hash != prev) {
            broken(e.seq, "entry " + std::to_string(e.seq) +
                              " does not follow entry " + std::to_string(e.seq - 1) +
                              " (chain broken: entries reordered, replaced or removed)");
            return v;
        }
        prev = e.hash;
        ++expect_seq;
    }
    return v;
}

std::string audit_csv(const std::vector<AuditEntry>& entries) {
    std::ostringstream out;
    out << "seq,at_utc,user,patient_id,action,object,workstation,detail,hash\r\n";
    for (const auto& e : entries) {
        out << e.seq << ',' << format_utc(e.at) << ',' << csv_cell(e.user) << ','
            << (e.patient_id ? std::to_string(*e.patient_id) : "") << ',' << csv_cell(e.action)
            << ',' << csv_cell(e.object) << ',' << csv_cell(e.workstation) << ','
            << csv_cell(e.detail) << ',' << e.hash << "\r\n";
    }
    return out.str();
}

}  // namespace vertebra::core
