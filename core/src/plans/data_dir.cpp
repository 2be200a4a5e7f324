// Locating shipped plan data (ICD-10 table, plan templates): see common/install_layout.hpp.
#include "vertebra/common/install_layout.hpp"
#include "vertebra/plans/icd10.hpp"

namespace vertebra::core::plans {

std::filesystem::path plans_data_dir() { return shipped_data_dir(); }

}  // namespace vertebra::core::plans
