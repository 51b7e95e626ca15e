/** Swedish wording of the gateway messages: key (the English template) → Swedish, same placeholders. */
export const gateway: Record<string, string> = {
  'This origin may not call the gateway (HUB_CORS_ORIGINS).': 'Den här webbplatsen får inte anropa gatewayen (HUB_CORS_ORIGINS).',
  'There is no organisation {0}.': 'Det finns ingen organisation {0}.',
  'A document link is used with your token (Authorization: Bearer).': 'En dokumentlänk används med din token (Authorization: Bearer).',
  'The token was refused.': 'Token nekades.',
  'A document is sent as its raw bytes with its own Content-Type, not as a form.':
    'Ett dokument skickas som sina egna byte med sin egen Content-Type, inte som ett formulär.',
  'The document could not be reached. Please try again.': 'Dokumentet kunde inte nås. Försök igen.',
  'The request body could not be read.': 'Förfrågans innehåll kunde inte läsas.',
  'GraphQL introspection is not allowed in production mode.': 'GraphQL-introspektion är inte tillåten i produktionsläge.',
  'The schema has no {0} operations.': 'Schemat har inga {0}-operationer.',
  'Too many requests; try again in 1 second.': 'För många förfrågningar; försök igen om 1 sekund.',
  'Too many requests; try again in {0} seconds.': 'För många förfrågningar; försök igen om {0} sekunder.',
  'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send a content-type of application/json, or one of the headers {0}.':
    'Den här operationen har stoppats som en möjlig CSRF-attack (Cross-Site Request Forgery). Skicka content-type application/json eller någon av rubrikerna {0}.',
  'The request body is larger than {0} bytes.': 'Förfrågans innehåll är större än {0} byte.',
  'This operation is not one of the trusted documents of this hub; register it (npm run trusted-documents -- add <partner> <file.graphql>).':
    'Den här operationen är inte ett av navets betrodda dokument; registrera den (npm run trusted-documents -- add <partner> <file.graphql>).',
  'This hub runs trusted documents only: send the SHA-256 of a registered document (extensions.persistedQuery.sha256Hash, or documentId).':
    'Navet kör bara betrodda dokument: skicka SHA-256 för ett registrerat dokument (extensions.persistedQuery.sha256Hash eller documentId).',
  'Send a query, or the SHA-256 of a registered document.': 'Skicka en fråga eller SHA-256 för ett registrerat dokument.',
  'There is no person with records that you can see.': 'Det finns ingen person med poster som du kan se.',
};
