package exchange

import "radsup/internal/xlsx"

// The keys of the problems an import finds beyond a cell's value (those
// are xlsx's): sheets, columns, duplicates, parents, the institution
// user's scope, licence acts and imports held for review. The texts are
// in internal/i18n/locales/import.
var (
	keySheetSkipped    = xlsx.NewKey0("import.problem.sheet_skipped")
	keySheetOffice     = xlsx.NewKey2("import.problem.sheet_office")      // a licence sheet from an institution user
	keySheetNotAllowed = xlsx.NewKey1("import.problem.sheet_not_allowed") // another kind the user may not import
	keyColumnUnknown   = xlsx.NewKey1("import.problem.column_unknown")
	keyColumnMissing   = xlsx.NewKey1("import.problem.column_missing")
	keyDuplicate       = xlsx.NewKey2("import.problem.duplicate")
	keyValueUnreadable = xlsx.NewKey0("import.problem.value_unreadable")

	keyCreditCodeRequired  = xlsx.NewKey0("import.problem.credit_code.required")
	keyInstitutionNotFound = xlsx.NewKey1("import.problem.institution.not_found")
	keyIDNumberRequired    = xlsx.NewKey0("import.problem.id_number.required")
	keyPersonNotFound      = xlsx.NewKey1("import.problem.person.not_found")
	keySerialRequired      = xlsx.NewKey0("import.problem.serial_no.required")
	keyEquipmentNotFound   = xlsx.NewKey1("import.problem.equipment.not_found")

	keyScopeOtherInstitution = xlsx.NewKey1("import.problem.scope.other_institution")
	keyScopeNewInstitution   = xlsx.NewKey0("import.problem.scope.new_institution")
	keyScopeNotEmployed      = xlsx.NewKey0("import.problem.scope.not_employed")
	keyScopeFiledByOther     = xlsx.NewKey0("import.problem.scope.filed_by_other")
	keyScopeSharedPerson     = xlsx.NewKey0("import.problem.scope.shared_person")

	keyDoseOverlap = xlsx.NewKey2("import.problem.dose.overlap")

	keyLicenceNoRequired = xlsx.NewKey0("import.problem.licence_no.required")
	keyLicenceNotFound   = xlsx.NewKey2("import.problem.licence.not_found")
	keyActSameDay        = xlsx.NewKey2("import.problem.licence_act.same_day")

	keyHeldTooLarge = xlsx.NewKey2("import.problem.held_too_large")
)
