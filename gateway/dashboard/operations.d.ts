/** The hashes of the page's operations: gateway/dashboard/documents/*.graphql, hashed and served by the gateway (gateway/src/hub-documents.ts). */
export declare const DOCUMENTS: Readonly<Record<'Councils' | 'CouncilReport' | 'CouncilMonths', string>>;
