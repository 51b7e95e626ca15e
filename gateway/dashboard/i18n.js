// @ts-check
/**
 * Every label of the page in Swedish and English, the Swedish names of the
 * indicators the page knows (the API labels them in English; an unknown key
 * falls back to the API's label), and number and date formatting.
 */

/** @typedef {'sv' | 'en'} Lang */

export const STRINGS = {
  sv: {
    title: 'Samrådens uppföljning',
    subtitle: 'Lokala och regionala samråd: kvalitetsindikatorer och samverkansöverenskommelser. Bara sammanräknade tal, inga personuppgifter.',
    language: 'Språk',
    signedInAs: 'Inloggad som',
    signOut: 'Logga ut',
    signInHeading: 'Logga in',
    devIntro: 'Utvecklingsläge: välj en av demonstrationens samrådsledamöter.',
    demoMember: 'Samrådsledamot',
    signIn: 'Logga in',
    tokenIntro: 'Klistra in din åtkomsttoken (samma token som för API:t). Den sparas bara i den här fliken.',
    token: 'Åtkomsttoken',
    useToken: 'Använd token',
    chooseHeading: 'Samråd och period',
    council: 'Samråd',
    period: 'Period',
    presetThisYear: 'I år',
    presetLast12: 'Senaste 12 månaderna',
    presetThisQuarter: 'Innevarande kvartal',
    presetLastQuarter: 'Föregående kvartal',
    presetCustom: 'Egen period',
    from: 'Från och med',
    to: 'Till och med',
    show: 'Visa',
    loading: 'Hämtar …',
    noCouncils: 'Du sitter inte i något samråd.',
    level: 'Nivå',
    LOCAL: 'Lokalt samråd',
    REGIONAL: 'Regionalt samråd',
    municipalities: 'Kommuner',
    members: 'Medlemsorganisationer',
    periodShown: 'Period',
    sections: {
      municipality: 'Socialtjänsten',
      psychiatry: 'Vuxenpsykiatrin, beroende',
      probation: 'Frivården',
      clinics: 'Lokala integrerade mottagningar',
    },
    indicator: 'Indikator',
    value: 'Värde',
    fraction: 'Täljare / nämnare',
    WOMEN: 'Kvinnor',
    MEN: 'Män',
    womenShort: 'K',
    menShort: 'M',
    notByGender: 'ej uppdelat',
    notByGenderTitle: 'Talet gäller samråd och överenskommelser, inte personer, och delas inte upp på kön.',
    noCases: 'inga fall',
    noCasesTitle: 'Inga fall under perioden: andelen eller medianen saknas.',
    noIndicators: 'Inga indikatorer i den här delen.',
    suppressedLabel: 'dolt',
    suppressedNote:
      '< 5 betyder att talet är dolt: det bygger på 1–4 personer, eller skulle låta en läsare räkna fram ett sådant tal ur andra siffror (till exempel summan minus det andra könet, eller en längre period minus en kortare); ett tal som döljs av det skälet kan vara 5 eller mer. Ett dolt tal är varken noll eller saknat.',
    genderNote: 'Kön är juridiskt kön enligt personnumret.',
    barChartTitle: (/** @type {string} */ section) => `Kvinnor och män per indikator, ${section}`,
    barChartDesc: 'Stapeldiagram; samma tal står i tabellen nedanför. Andelar mäts mot 100 %, antal och dagar mot det största av de två värdena.',
    contents: 'Innehåll',
    trendHeading: 'Utveckling per månad',
    trendIntro: 'Hela perioden fördelad på kalendermånader, totalt för kvinnor och män.',
    trendChartTitle: (/** @type {string} */ label) => `Utveckling per månad: ${label}`,
    trendTable: 'Visa som tabell',
    month: 'Månad',
    agreementsHeading: 'Samverkansöverenskommelser',
    noAgreements: 'Samrådet har inga överenskommelser.',
    agreementTitle: 'Överenskommelse',
    jointGoals: 'Gemensamma mål',
    validFrom: 'Gäller från',
    reviewBy: 'Omprövas senast',
    status: 'Status',
    overdue: 'Omprövningsdatum passerat',
    current: 'Inom omprövningsdatum',
    overdueCount: (/** @type {number} */ n) =>
      n === 1 ? '1 överenskommelse har passerat sitt omprövningsdatum.' : `${n} överenskommelser har passerat sitt omprövningsdatum.`,
    errSignIn: 'Inloggningen misslyckades.',
    errExpired: 'Din token godtogs inte (ogiltig eller utgången). Logga in igen.',
    errForbidden: 'Din roll får inte läsa samrådens uppföljning (det krävs rollen samrådsledamot).',
    errPeriod: 'Ange en period där slutet inte kommer före början.',
    errNetwork: 'Kunde inte nå tjänsten.',
    errEmptyToken: 'Klistra in en token.',
    days: (/** @type {string} */ n, /** @type {number} */ raw) => `${n} ${raw === 1 ? 'dag' : 'dagar'}`,
    people: (/** @type {string} */ n) => `n = ${n}`,
  },
  en: {
    title: 'Council follow-up',
    subtitle: 'Local and regional councils: quality indicators and cooperation agreements. Aggregates only, no personal data.',
    language: 'Language',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    signInHeading: 'Sign in',
    devIntro: 'Development mode: choose one of the demo council members.',
    demoMember: 'Council member',
    signIn: 'Sign in',
    tokenIntro: 'Paste your access token (the same token as for the API). It is kept in this tab only.',
    token: 'Access token',
    useToken: 'Use token',
    chooseHeading: 'Council and period',
    council: 'Council',
    period: 'Period',
    presetThisYear: 'This year',
    presetLast12: 'Last 12 months',
    presetThisQuarter: 'This quarter',
    presetLastQuarter: 'Previous quarter',
    presetCustom: 'Custom period',
    from: 'From',
    to: 'To (inclusive)',
    show: 'Show',
    loading: 'Loading …',
    noCouncils: 'You do not sit on any council.',
    level: 'Level',
    LOCAL: 'Local council',
    REGIONAL: 'Regional council',
    municipalities: 'Municipalities',
    members: 'Member organisations',
    periodShown: 'Period',
    sections: {
      municipality: 'Social services',
      psychiatry: 'Adult psychiatry, addiction',
      probation: 'Probation service',
      clinics: 'Local integrated clinics',
    },
    indicator: 'Indicator',
    value: 'Value',
    fraction: 'Numerator / denominator',
    WOMEN: 'Women',
    MEN: 'Men',
    womenShort: 'W',
    menShort: 'M',
    notByGender: 'not by gender',
    notByGenderTitle: 'The figure is about councils and agreements, not people, and is not broken down by gender.',
    noCases: 'no cases',
    noCasesTitle: 'No cases in the period: there is no share or median.',
    noIndicators: 'No indicators in this section.',
    suppressedLabel: 'suppressed',
    suppressedNote:
      '< 5 means the figure is suppressed: it rests on 1 to 4 people, or would let a reader work out such a count from other figures (for example the total minus the other gender, or a longer period minus a shorter one); a figure hidden for that reason can be 5 or more. A suppressed figure is neither zero nor missing.',
    genderNote: 'Gender is legal gender from the personal identity number.',
    barChartTitle: (/** @type {string} */ section) => `Women and men per indicator, ${section}`,
    barChartDesc: 'Bar chart; the same figures are in the table below. Shares are drawn against 100 %, counts and days against the larger of the two values.',
    contents: 'Contents',
    trendHeading: 'Month by month',
    trendIntro: 'The whole period by calendar month, total of women and men.',
    trendChartTitle: (/** @type {string} */ label) => `Month by month: ${label}`,
    trendTable: 'Show as a table',
    month: 'Month',
    agreementsHeading: 'Cooperation agreements',
    noAgreements: 'The council has no agreements.',
    agreementTitle: 'Agreement',
    jointGoals: 'Joint goals',
    validFrom: 'Valid from',
    reviewBy: 'Review by',
    status: 'Status',
    overdue: 'Review date passed',
    current: 'Within review date',
    overdueCount: (/** @type {number} */ n) => (n === 1 ? '1 agreement is past its review date.' : `${n} agreements are past their review date.`),
    errSignIn: 'Signing in failed.',
    errExpired: 'Your token was not accepted (invalid or expired). Please sign in again.',
    errForbidden: 'Your role may not read the councils’ follow-up (it takes the council member role).',
    errPeriod: 'Give a period that does not end before it starts.',
    errNetwork: 'Could not reach the service.',
    errEmptyToken: 'Paste a token.',
    days: (/** @type {string} */ n, /** @type {number} */ raw) => `${n} ${raw === 1 ? 'day' : 'days'}`,
    people: (/** @type {string} */ n) => `n = ${n}`,
  },
};

/**
 * Swedish names of the indicator keys the page knows. English uses the API's
 * own label; a key not listed here falls back to the API's label in Swedish too.
 * @type {Record<string, string>}
 */
export const INDICATOR_SV = {
  // social services
  'plans.drawnUp': 'Upprättade samordnade vårdplaner',
  'plans.signedByIndividual': 'Andel upprättade planer vars gällande version den enskilde har undertecknat',
  'plans.followedUpInTime': 'Andel planer med uppföljning under perioden som följdes upp senast det planerade datumet',
  'contractCare.probationTookPartInPlanning': 'Andel kontraktsvårdsplaner som frivården undertecknat (deltog i planeringen)',
  'agreements.localCouncilsWithCurrentAgreement': 'Andel lokala samråd med en gällande överenskommelse som anger gemensamma mål',
  'agreements.pastReviewDate': 'Samverkansöverenskommelser som passerat sitt omprövningsdatum',
  // adult psychiatry
  'withdrawal.requestsReceived': 'Mottagna åtgärdsförfrågningar om abstinensbehandling',
  'withdrawal.assessmentWithin14Days': 'Andel förfrågningar där bedömnings- och planeringssamtal erbjöds inom 14 dagar',
  'withdrawal.daysToAssessment': 'Dagar från förfrågan till bedömningssamtal (median)',
  'withdrawal.placeWithin14Days': 'Andel behandlingsbeslut som följdes av en erbjuden plats inom 14 dagar',
  'withdrawal.daysDecisionToPlace': 'Dagar från beslut till plats (median)',
  'withdrawal.placesLapsed': 'Andel erbjudna platser som förföll (inte använda inom 4 veckor)',
  'withdrawal.newAssessmentsAfterLapse': 'Nya bedömningar bokade efter en förfallen plats',
  'withdrawal.screenedAuditOrDudit': 'Andel nya förfrågningar screenade med AUDIT eller DUDIT',
  'withdrawal.assessedWithAsi': 'Andel nya förfrågningar bedömda med ASI',
  'wards.places': 'Vårdplatser för abstinensbehandling',
  'wards.placesInUse': 'Vårdplatser som används',
  'wards.placesFree': 'Lediga vårdplatser',
  'wards.daysWaitingForAdmission': 'Dagar från erbjuden plats till inskrivning (median)',
  // probation
  'contractCare.peopleWithActiveOrder': 'Personer med ett pågående kontraktsvårdsbeslut under perioden',
  'contractCare.evaluationsHeldByDueDate': 'Andel personer med utvärdering av kontraktsvården under perioden där varje utvärdering hölls i tid',
  'contractCare.peopleWithDeviationReported': 'Personer med en rapporterad avvikelse från kontraktsvården under perioden',
  'contractCare.deviationsReported': 'Rapporterade avvikelser från kontraktsvården under perioden',
  'contractCare.daysToReportDeviation': 'Dagar från avvikelse till rapport (median över perioden rapporterade avvikelser)',
  'contractCare.peopleWithBreachRecorded': 'Personer vars kontraktsvård misskötts (registrerat under perioden)',
  // local integrated clinics
  'clinics.enrolledInPeriod': 'Personer inskrivna vid en lokal integrerad mottagning under perioden',
  'clinics.enrolledAtPeriodEnd': 'Personer inskrivna vid en lokal integrerad mottagning vid periodens slut',
  'clinics.peopleWithAnyEffort': 'Personer som fått någon insats vid en lokal integrerad mottagning under perioden',
  'clinics.effort.opioidMaintenanceTreatment': 'Personer i läkemedelsassisterad behandling vid opioidberoende (LARO) under perioden',
  'clinics.effort.infectionTesting': 'Personer testade för blodburen smitta (hepatit, hiv) under perioden',
  'clinics.effort.vaccination': 'Personer vaccinerade under perioden',
  'clinics.effort.psychiatricAssessment': 'Personer som fått en psykiatrisk bedömning under perioden',
  'clinics.effort.socialSupport': 'Personer som fått stöd av mottagningens socialtjänst under perioden',
  'clinics.effort.primaryCareVisit': 'Personer med ett besök i primärvården under perioden',
  'clinics.targetGroup.pregnant': 'Inskrivna vid periodens slut: gravida kvinnor med riskbruk eller missbruk',
  'clinics.targetGroup.parentOfMinor': 'Inskrivna vid periodens slut: föräldrar till minderåriga barn',
  'clinics.targetGroup.youngPerson': 'Inskrivna vid periodens slut: unga',
  'clinics.targetGroup.homeless': 'Inskrivna vid periodens slut: hemlösa med missbruk',
  'clinics.targetGroup.complexNeeds': 'Inskrivna vid periodens slut: sammansatta behov under lång tid',
  'clinics.targetGroup.opioidMaintenance': 'Inskrivna vid periodens slut: läkemedelsassisterad behandling vid opioidberoende',
};

/** @param {Lang} lang */
export const t = (lang) => STRINGS[lang];

/**
 * The indicator's name in the page's language.
 * @param {Lang} lang
 * @param {{ key: string, label: string }} indicator
 * @returns {{ text: string, lang: Lang }}
 */
export function indicatorLabel(lang, indicator) {
  if (lang === 'sv' && INDICATOR_SV[indicator.key]) return { text: /** @type {string} */ (INDICATOR_SV[indicator.key]), lang: 'sv' };
  return { text: indicator.label, lang: 'en' };
}

const locales = { sv: 'sv-SE', en: 'en-GB' };

/**
 * @param {Lang} lang
 * @param {number} n
 */
export const formatCount = (lang, n) => new Intl.NumberFormat(locales[lang], { maximumFractionDigits: 1 }).format(n);

/**
 * @param {Lang} lang
 * @param {number} share 0 to 1
 */
export const formatPercent = (lang, share) => new Intl.NumberFormat(locales[lang], { style: 'percent', maximumFractionDigits: 1 }).format(share);

/**
 * @param {Lang} lang
 * @param {string} isoMonth YYYY-MM
 */
export function formatMonth(lang, isoMonth) {
  const [y, m] = isoMonth.split('-').map(Number);
  return new Intl.DateTimeFormat(locales[lang], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(/** @type {number} */ (y), /** @type {number} */ (m) - 1, 1)),
  );
}
