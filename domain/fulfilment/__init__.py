"""The staff's work on placed orders: the desk that verifies, rejects, packs, ships, delivers,
cancels, notes and invoices (desk), invoices and their gap-free numbers, couriers and tracking
numbers, what waits for the staff (worklist), finding an order (search) and the questions the
bot asked in the staff group awaiting a reply (prompts)."""
