/** Swedish wording of the psychiatry messages: key (the English template) → Swedish, same placeholders. */
export const psychiatry: Record<string, string> = {};
