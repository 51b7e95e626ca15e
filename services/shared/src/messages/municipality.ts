/** Swedish wording of the municipality messages: key (the English template) → Swedish, same placeholders. */
export const municipality: Record<string, string> = {};
