/** Swedish wording of the probation messages: key (the English template) → Swedish, same placeholders. */
export const probation: Record<string, string> = {};
