// Sorting task ("sort these files into folders"): the page works as a form without JavaScript, a
// folder select per item. With JavaScript the folders are shown as boxes and items can be dragged
// into them; dropping an item only sets its select, so the selects stay the answer that is sent
// (and the way to answer from the keyboard or with a screen reader).

function chip(item, select) {
  const li = document.createElement("li");
  li.className = "app-sorting-chip";
  li.textContent = item.dataset.itemText;
  li.draggable = true;
  li.addEventListener("dragstart", (event) => event.dataTransfer.setData("text/plain", select.id));
  return li;
}

for (const task of document.querySelectorAll("[data-sorting-task]")) {
  const board = task.querySelector("[data-sorting-folders]");
  const unsorted = task.querySelector("[data-sorting-unsorted]");
  const items = [...task.querySelectorAll("[data-sorting-item]")];
  const render = () => {
    for (const list of task.querySelectorAll("[data-folder-items]")) list.replaceChildren();
    for (const item of items) {
      const select = item.querySelector("select");
      const target = select.value === "" ? unsorted : board.querySelector(`[data-folder="${select.value}"] [data-folder-items]`);
      target.append(chip(item, select));
    }
  };
  for (const zone of task.querySelectorAll("[data-folder]")) {
    zone.addEventListener("dragover", (event) => event.preventDefault());
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      const select = document.getElementById(event.dataTransfer.getData("text/plain"));
      if (select) {
        select.value = zone.dataset.folder;
        render();
      }
    });
  }
  for (const item of items) item.querySelector("select").addEventListener("change", render);
  board.hidden = false;
  render();
}
