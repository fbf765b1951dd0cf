// The pipeline board: plain HTML5 drag and drop; dropping a card posts the move through HTMX and
// swaps the board.
(function () {
  "use strict";

  document.addEventListener("dragstart", function (e) {
    const card = e.target.closest && e.target.closest(".deal");
    if (!card) return;
    e.dataTransfer.setData("text/plain", card.dataset.dealId);
    e.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (e) {
    const column = e.target.closest && e.target.closest(".column");
    if (column) { e.preventDefault(); column.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (e) {
    const column = e.target.closest && e.target.closest(".column");
    if (column) column.classList.remove("over");
  });
  document.addEventListener("drop", function (e) {
    const column = e.target.closest && e.target.closest(".column");
    if (!column) return;
    e.preventDefault();
    column.classList.remove("over");
    const card = document.querySelector('.deal[data-deal-id="' + e.dataTransfer.getData("text/plain") + '"]');
    if (!card || card.dataset.stageId === column.dataset.stageId) return;
    window.htmx.ajax("POST", "/pipeline/deals/" + card.dataset.dealId + "/move", {
      target: "#board", swap: "innerHTML",
      values: { stage_id: column.dataset.stageId, version: card.dataset.version,
                pipeline_id: column.dataset.pipelineId, owner_id: column.dataset.ownerId }
    });
  });
})();
