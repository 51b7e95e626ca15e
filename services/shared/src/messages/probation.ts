/** Swedish wording of the probation messages: key (the English template) → Swedish, same placeholders. */
export const probation: Record<string, string> = {
  'Days from a deviation to its report (median over the deviations reported in the period)':
    'Dagar från en avvikelse till dess rapportering (median över de avvikelser som rapporterades under perioden)',
  'People with a deviation from their contract care reported in the period': 'Personer med en rapporterad avvikelse från sin kontraktsvård under perioden',
  'People with an active contract-care order in the period': 'Personer med ett pågående kontraktsvårdsärende under perioden',
  'Share of people with a contract-care evaluation due in the period whose every evaluation due was held by its due date':
    'Andel personer med en uppföljning av kontraktsvården under perioden där varje uppföljning hölls senast sitt datum',
  'Deviations from contract care reported in the period': 'Rapporterade avvikelser från kontraktsvården under perioden',
  'People whose contract-care order had a breach recorded in the period': 'Personer vars kontraktsvård fick misskötsamhet registrerad under perioden',
  orders: 'ärenden',
  'The reason for the breach': 'Skälet till misskötsamheten',
  'Your role ({0}) does not allow you to read contract-care orders.': 'Din roll ({0}) tillåter dig inte att läsa kontraktsvårdsärenden.',
  'There is no contract-care order {0} that you can see.': 'Det finns inget kontraktsvårdsärende {0} som du kan se.',
  'Only a probation office registers contract-care orders.': 'Bara ett frivårdskontor registrerar kontraktsvårdsärenden.',
  'Only the probation office that registered the order can do this; report a deviation instead if something departed from the contract.':
    'Bara det frivårdskontor som registrerade ärendet kan göra detta; rapportera i stället en avvikelse om något avvek från kontraktet.',
  '{0} must be filled in.': '{0} måste fyllas i.',
  '{0} is too long (at most {1} characters).': '{0} är för långt (högst {1} tecken).',
  '{0} ({1}) cannot be in the future; today is {2}.': '{0} ({1}) kan inte ligga i framtiden; i dag är det {2}.',
  "The client's name": 'Klientens namn',
  "The court's decision date": 'Datumet för domstolens beslut',
  'The contract care must end after the court decision ({0}); {1} is not.': 'Kontraktsvården måste sluta efter domstolens beslut ({0}); {1} gör inte det.',
  '{0} is named twice; name each partner organisation once.': '{0} anges två gånger; ange varje samverkande organisation en gång.',
  '{0} is not an organisation of the hub; see the organisations query for their ids.':
    '{0} är inte en organisation i navet; se frågan organisations för deras id.',
  '{0} is a probation office; the partners are social services and the care provider.':
    '{0} är ett frivårdskontor; de samverkande är socialtjänsten och vårdgivaren.',
  'Name the social services (a municipality) that take part in the contract care.': 'Ange den socialtjänst (en kommun) som deltar i kontraktsvården.',
  'Name the care provider (psychiatry or a local integrated clinic) that gives the treatment.':
    'Ange den vårdgivare (psykiatrin eller en lokal integrerad mottagning) som ger behandlingen.',
  'The day of the deviation': 'Dagen för avvikelsen',
  'The description of what happened': 'Beskrivningen av vad som hände',
  'The deviation ({0}) cannot be before the court decision ({1}).': 'Avvikelsen ({0}) kan inte ligga före domstolens beslut ({1}).',
  'The deviation ({0}) is after the contract care ended ({1}).': 'Avvikelsen ({0}) ligger efter att kontraktsvården upphörde ({1}).',
  'The day of the evaluation': 'Dagen för uppföljningen',
  'The summary of the evaluation': 'Sammanfattningen av uppföljningen',
  'The evaluation ({0}) cannot be before the court decision ({1}).': 'Uppföljningen ({0}) kan inte ligga före domstolens beslut ({1}).',
  'A breach of this order was already recorded on {0}.': 'Misskötsamhet i det här ärendet registrerades redan {0}.',
  'The contract care ended on {0}; a breach can only be recorded while it is active.':
    'Kontraktsvården upphörde {0}; misskötsamhet kan bara registreras medan den pågår.',
  'the probation service': 'frivården',
};
