/** Swedish wording of the clinics messages: key (the English template) → Swedish, same placeholders. */
export const clinics: Record<string, string> = {
  enrolments: 'inskrivningar',
  '{0} is not a local integrated clinic of the hub; see the clinics query for their ids.':
    '{0} är inte en lokal integrerad mottagning i navet; se frågan clinics för deras id.',
  'This person is already enrolled at {0} (since {1}).': 'Personen är redan inskriven på {0} (sedan {1}).',
  'People given maintenance treatment for opiate dependence (LARO) in the period':
    'Personer som fått läkemedelsassisterad behandling vid opioidberoende (LARO) under perioden',
  'People tested for blood-borne infections (hepatitis, HIV) in the period': 'Personer som testats för blodburen smitta (hepatit, hiv) under perioden',
  'People vaccinated in the period': 'Personer som vaccinerats under perioden',
  'People given a psychiatric assessment in the period': 'Personer som fått en psykiatrisk bedömning under perioden',
  "People given support from the clinic's social services in the period": 'Personer som fått stöd från mottagningens socialtjänst under perioden',
  'People with a primary-care visit in the period': 'Personer med ett besök i primärvården under perioden',
  'People enrolled at the end of the period: pregnant women with risky use or misuse':
    'Inskrivna personer vid periodens slut: gravida kvinnor med riskbruk eller missbruk',
  'People enrolled at the end of the period: parents of minor children': 'Inskrivna personer vid periodens slut: föräldrar till minderåriga barn',
  'People enrolled at the end of the period: young people': 'Inskrivna personer vid periodens slut: unga',
  'People enrolled at the end of the period: homeless people with misuse': 'Inskrivna personer vid periodens slut: hemlösa med missbruk',
  'People enrolled at the end of the period: complex needs over a long time': 'Inskrivna personer vid periodens slut: sammansatta behov under lång tid',
  'People enrolled at the end of the period: maintenance treatment for opiate dependence':
    'Inskrivna personer vid periodens slut: läkemedelsassisterad behandling vid opioidberoende',
  'People enrolled at a local integrated clinic in the period': 'Personer inskrivna på en lokal integrerad mottagning under perioden',
  'People enrolled at a local integrated clinic at the end of the period': 'Personer inskrivna på en lokal integrerad mottagning vid periodens slut',
  'People given any effort at a local integrated clinic in the period': 'Personer som fått någon insats på en lokal integrerad mottagning under perioden',
  'Only the staff of a local integrated clinic read its enrolments.': 'Bara personalen på en lokal integrerad mottagning läser dess inskrivningar.',
  'Only the staff of {0} can enrol people there.': 'Bara personalen på {0} kan skriva in personer där.',
  'There is no clinic enrolment {0} that you can see.': 'Det finns ingen inskrivning {0} på en mottagning som du kan se.',
  '{0} is named twice; name each target group once.': '{0} anges två gånger; ange varje målgrupp en gång.',
  'The day of the effort ({0}) cannot be in the future; today is {1}.': 'Dagen för insatsen ({0}) kan inte ligga i framtiden; i dag är det {1}.',
  'The effort ({0}) cannot be before the enrolment ({1}).': 'Insatsen ({0}) kan inte ligga före inskrivningen ({1}).',
};
