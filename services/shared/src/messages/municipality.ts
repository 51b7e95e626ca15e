/** Swedish wording of the municipality messages: key (the English template) → Swedish, same placeholders. */
export const municipality: Record<string, string> = {
  'The consent was already revoked.': 'Samtycket är redan återkallat.',
  'The title': 'Rubriken',
  'An agreement states at least one joint goal.': 'En överenskommelse anger minst ett gemensamt mål.',
  'A joint goal': 'Ett gemensamt mål',
  'The agreement cannot apply from before 2000.': 'Överenskommelsen kan inte gälla från före år 2000.',
  'The review date must come after the agreement starts to apply.': 'Datumet för översyn måste komma efter att överenskommelsen börjar gälla.',
  'There is no council {0} that you sit on.': 'Det finns inget samverkansråd {0} som du sitter i.',
  'There is no document like this one.': 'Det finns inget sådant dokument.',
  "Only the organisation that owns the plan may remove its documents; ask the plan's owner.":
    'Bara den organisation som äger planen får ta bort dess dokument; vänd dig till planens ägare.',
  'Joint care plans drawn up': 'Upprättade samordnade individuella planer (SIP)',
  'Share of plans drawn up whose current version the individual has signed': 'Andel upprättade planer vars gällande version den enskilde har undertecknat',
  'Share of plans due for follow-up in the period that were followed up by their planned date':
    'Andel planer med uppföljning under perioden som följdes upp senast det planerade datumet',
  'Share of contract-care plans the probation service signed (took part in planning)':
    'Andel planer för kontraktsvård som frivården undertecknade (deltog i planeringen)',
  'Share of local councils with a current agreement that states joint goals':
    'Andel lokala samverkansråd med en gällande överenskommelse som anger gemensamma mål',
  'Councils whose agreement in force is past its review date': 'Samverkansråd vars gällande överenskommelse har passerat datumet för översyn',
  'withdrawal referral': 'begäran om abstinensvård',
  'contract-care order': 'kontraktsvårdsärende',
  'There is no {0} with that id that you may see.': 'Det finns inget {0} med det id:t som du får se.',
  'The {0} is about another person than the plan; a plan belongs to a record about its own person.':
    '{0} gäller en annan person än planen; en plan hör till ett ärende om samma person.',
  'The follow-up date cannot be in the past.': 'Datumet för uppföljning kan inte ligga i det förflutna.',
  'Give new goals or a new follow-up date: there is nothing to change.': 'Ange nya mål eller ett nytt datum för uppföljning: det finns inget att ändra.',
  'The name of who signs': 'Namnet på den som undertecknar',
  'A follow-up cannot be held before the plan was drawn up.': 'En uppföljning kan inte hållas innan planen upprättades.',
  'A follow-up cannot be recorded before it is held.': 'En uppföljning kan inte registreras innan den har hållits.',
  'The summary': 'Sammanfattningen',
  'The reason': 'Skälet',
  'The plan has versions 1 to {0}.': 'Planen har version 1 till {0}.',
  plans: 'planer',
  'The plan is {0}; it can no longer be changed.': 'Planen är {0}; den kan inte längre ändras.',
  'The plan has changed since version {0}: it is now version {1}. Read it again and make your change on version {2}; nothing was saved.':
    'Planen har ändrats sedan version {0}: den är nu version {1}. Läs den igen och gör din ändring i version {2}; inget sparades.',
  'This referral already has an open withdrawal plan; change that plan instead.':
    'Den här begäran har redan en öppen plan för abstinensvård; ändra den planen i stället.',
  'This contract-care order already has an open plan; change that plan instead.':
    'Det här kontraktsvårdsärendet har redan en öppen plan; ändra den planen i stället.',
  'The individual has already signed version {0}.': 'Den enskilde har redan undertecknat version {0}.',
  '{0} has already signed version {1}.': '{0} har redan undertecknat version {1}.',
  'The plan has already ended.': 'Planen är redan avslutad.',
  'There is no consent {0} that your organisation is party to.': 'Det finns inget samtycke {0} som din organisation omfattas av.',
  'There is no joint care plan {0} that you can see.': 'Det finns ingen samordnad individuell plan (SIP) {0} som du kan se.',
  "There is no consent {0} that your organisation is party to. Record the individual's consent first.":
    'Det finns inget samtycke {0} som din organisation omfattas av. Dokumentera den enskildes samtycke först.',
  'This consent was given by another person than the one the plan is about.': 'Samtycket lämnades av en annan person än den som planen gäller.',
  'The consent is not active: {0}. No plan can be drawn up on it.': 'Samtycket gäller inte: {0}. Ingen plan kan upprättas på det.',
  "The consent does not name {0}. Every participating organisation must be named in the individual's consent.":
    'Samtycket omfattar inte {0}. Varje deltagande organisation måste anges i den enskildes samtycke.',
  'Only an organisation taking part in the plan adds efforts to it.': 'Bara en organisation som deltar i planen lägger till insatser i den.',
  'Only an organisation taking part in the plan signs it.': 'Bara en organisation som deltar i planen undertecknar den.',
  "Only the organisation that owns the plan records the individual's signature.":
    'Bara den organisation som äger planen registrerar den enskildes underskrift.',
  'Only a participant with the role "relative" and no organisation has a relation to the individual.':
    'Bara en deltagare med rollen "relative" och utan organisation har en relation till den enskilde.',
  'How the individual signed is given only with asIndividual true.': 'Hur den enskilde undertecknade anges bara med asIndividual true.',
  '{0} is given only when how is {1}.': '{0} anges bara när how är {1}.',
  'A signature on paper needs the signed paper: upload it to the plan and give its documentId.':
    'En underskrift på papper kräver det undertecknade papperet: ladda upp det till planen och ange dess documentId.',
  "An electronic signature needs the identity provider's assertion.": 'En elektronisk underskrift kräver identitetsleverantörens intyg.',
  'The assertion': 'Intyget',
  "Only the organisation that owns the plan records the individual's request to end it.":
    'Bara den organisation som äger planen registrerar den enskildes begäran om att avsluta den.',
  "The individual's view": 'Den enskildes synpunkt',
  "A signature by a legal representative needs the representative's name.": 'En underskrift av en legal företrädare kräver företrädarens namn.',
  "The representative's name": 'Företrädarens namn',
  '{0} is not a document of this plan; upload the signed paper to the plan first.':
    '{0} är inte ett dokument i den här planen; ladda först upp det undertecknade papperet till planen.',
  'The personnummer {0}.': 'Personnumret {0}.',
  '{0} must not be empty.': '{0} måste fyllas i.',
  '{0} must be at most {1} characters.': '{0} får vara högst {1} tecken.',
  '{0} is not a date; write it as YYYY-MM-DD.': '{0} är inget datum; skriv det som ÅÅÅÅ-MM-DD.',
  'Name at least one organisation.': 'Ange minst en organisation.',
  '{0} is not an organisation of the hub.': '{0} är inte en organisation i navet.',
  'Each organisation may be named only once.': 'Varje organisation får anges bara en gång.',
  'Your own organisation must be among the organisations named.': 'Din egen organisation måste finnas bland de angivna organisationerna.',
  'The purpose': 'Syftet',
  'A consent must be valid at least until today.': 'Ett samtycke måste gälla åtminstone till och med i dag.',
  'A consent may be valid for at most 1 year from the day it is given: {0} at the latest. Ask the individual again when it runs out.':
    'Ett samtycke får gälla i högst 1 år från den dag det lämnas: senast {0}. Fråga den enskilde igen när det löper ut.',
  'A consent may be valid for at most {0} years from the day it is given: {1} at the latest. Ask the individual again when it runs out.':
    'Ett samtycke får gälla i högst {0} år från den dag det lämnas: senast {1}. Fråga den enskilde igen när det löper ut.',
  'A plan needs at least one goal.': 'En plan behöver minst ett mål.',
  'A goal': 'Ett mål',
  'A plan needs its participants.': 'En plan behöver sina deltagare.',
  "A participant's role": 'En deltagares roll',
  "A participant's name": 'En deltagares namn',
  'Your own organisation must take part in the plan it draws up.': 'Din egen organisation måste delta i den plan den upprättar.',
  'A withdrawal plan belongs to a withdrawal referral: give its id.': 'En plan för abstinensvård hör till en begäran om abstinensvård: ange dess id.',
  'A withdrawal plan is drawn up by social services and psychiatry together: both must take part.':
    'En plan för abstinensvård upprättas av socialtjänsten och psykiatrin tillsammans: båda måste delta.',
  'Only a WITHDRAWAL plan belongs to a withdrawal referral.': 'Bara en plan av slaget WITHDRAWAL hör till en begäran om abstinensvård.',
  'A contract-care plan belongs to a contract-care order: give its id.': 'En plan för kontraktsvård hör till ett kontraktsvårdsärende: ange dess id.',
  'A contract-care plan is drawn up by the probation service, social services and the care provider together: all three must take part.':
    'En plan för kontraktsvård upprättas av frivården, socialtjänsten och vårdgivaren tillsammans: alla tre måste delta.',
  'Only a CONTRACT_CARE plan belongs to a contract-care order.': 'Bara en plan av slaget CONTRACT_CARE hör till ett kontraktsvårdsärende.',
  'The description of the effort': 'Beskrivningen av insatsen',
  'Who is responsible': 'Vem som ansvarar',
  'An effort cannot end before it starts.': 'En insats kan inte sluta innan den börjar.',
  'The referral group found that withdrawal treatment is not needed, so there is no withdrawal plan to draw up for this referral.':
    'Remissgruppen bedömde att abstinensbehandling inte behövs, så det finns ingen plan för abstinensbehandling att upprätta för denna begäran.',
  'The request was withdrawn, so there is no withdrawal plan to draw up for this referral.':
    'Begäran har återkallats, så det finns ingen plan för abstinensbehandling att upprätta för den.',
  'Shared with no other organisation: {0}. Only {1} sees this plan.': 'Delas inte med någon annan organisation: {0}. Bara {1} ser denna plan.',
  'The individual takes part in the planning of their own care: name them as a participant with the role "individual" and no organisation.':
    'Den enskilde deltar i planeringen av sin egen vård: ange den enskilde som deltagare med rollen "individual" och ingen organisation.',
  'social services': 'socialtjänsten',
};
