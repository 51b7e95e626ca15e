/** Swedish wording of the shared messages: key (the English template) → Swedish, same placeholders. */
export const shared: Record<string, string> = {};
